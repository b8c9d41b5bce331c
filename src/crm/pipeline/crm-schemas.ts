import { z } from 'zod';
import { AccountParamsSchema } from '../../http/schemas.js';

/** Santana's list shape: `{meta: {count, current_page}, payload}`. */
export const listOf = <T extends z.ZodType>(item: T) =>
  z.object({ meta: z.object({ count: z.number(), current_page: z.number() }), payload: z.array(item) });

export const CRM_PER_PAGE = 25;

/** An instant as clients send it: ISO 8601 with an offset (or Z); read as a Date. */
export const instantIn = (field: string) =>
  z.iso
    .datetime({
      offset: true,
      error: `${field} deve ser uma data e hora ISO 8601 com fuso (ex.: 2025-06-14T19:00:00-03:00)`,
    })
    .transform((value) => new Date(value));

/** A calendar day, YYYY-MM-DD, checked to exist (2025-02-30 is refused). */
export const dayIn = (field: string) => z.iso.date({ error: `${field} deve ser uma data no formato AAAA-MM-DD` });

/** Instants go out as ISO 8601 in UTC. */
export const InstantOut = z.string().meta({ description: 'ISO 8601, UTC' });
export const iso = (date: Date) => date.toISOString();
export const isoOrNull = (date: Date | null) => (date ? date.toISOString() : null);

/** A reference to a row in the body: a positive integer (unknown or another account's ids answer 404). */
export const idIn = (field: string) =>
  z
    .number({ error: `${field} deve ser um número` })
    .int()
    .positive({ error: `${field} deve ser positivo` });

export const idQuery = (field: string) =>
  z.coerce
    .number({ error: `${field} deve ser um número` })
    .int()
    .positive({ error: `${field} deve ser positivo` });

export const booleanQuery = (field: string) =>
  z.enum(['true', 'false'], { error: `${field} deve ser true ou false` }).transform((value) => value === 'true');

export const pageQuery = z.coerce.number().int().min(1).max(10_000).default(1);

export const UserRefSchema = z.object({ id: z.number(), name: z.string() }).meta({ id: 'CrmUserRef' });

export const ContactParams = AccountParamsSchema.extend({ id: idQuery('id') });
