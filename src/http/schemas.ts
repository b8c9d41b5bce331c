import { z } from 'zod';

/** The error body every route answers with (DESIGN.md §4.3). */
export const ErrorSchema = z
  .object({
    error: z.string().meta({ description: 'Machine-readable code, e.g. validation_failed' }),
    message: z.string().meta({ description: 'A sentence a person can read' }),
    details: z.unknown().optional(),
  })
  .meta({ id: 'Error' });

export const errorResponses = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [status, ErrorSchema])) as Record<number, typeof ErrorSchema>;

const positiveId = (name: string) =>
  z.coerce
    .number({ error: `${name} deve ser um número` })
    .int()
    .positive({ error: `${name} deve ser positivo` });

export const AccountParamsSchema = z.object({ account_id: z.string() });
export const idParam = <K extends string>(name: K) =>
  AccountParamsSchema.extend({ [name]: positiveId(name) } as { [P in K]: ReturnType<typeof positiveId> });

export const PageQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});
