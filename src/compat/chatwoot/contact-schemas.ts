import { z } from 'zod';
import {
  CONTACT_NAME_MAX_LENGTH,
  CONTACT_SORT_COLUMNS,
  type ContactSort,
  type ContactSortColumn,
} from '../../inbox/contacts.repo.js';

const attributes = z.record(z.string(), z.unknown());

export const ContactInboxSchema = z
  .object({
    source_id: z.string(),
    inbox: z.object({
      id: z.number(),
      channel_id: z.number(),
      name: z.string(),
      channel_type: z.string(),
      provider: z.string().nullable(),
      phone_number: z.string().nullable(),
      avatar_url: z.string(),
    }),
  })
  .meta({ id: 'ContactInbox' });

export const ContactSchema = z
  .object({
    id: z.number(),
    name: z.string(),
    email: z.string().nullable(),
    phone_number: z.string().nullable().meta({ description: 'E.164, celulares brasileiros sempre com o 9' }),
    identifier: z.string().nullable(),
    thumbnail: z.string(),
    availability_status: z.string(),
    blocked: z.boolean(),
    additional_attributes: attributes,
    custom_attributes: attributes,
    last_activity_at: z.number().nullable(),
    created_at: z.number().nullable(),
    contact_inboxes: z.array(ContactInboxSchema).optional(),
  })
  .meta({ id: 'Contact' });

export const ContactListSchema = z.object({
  meta: z.object({ count: z.number(), current_page: z.string() }),
  payload: z.array(ContactSchema),
});

const optionalText = (max: number) => z.string().max(max).nullable().optional();

/** Chatwoot's contact payload (create and update); blank strings clear a field. */
export const ContactInputSchema = z.strictObject({
  name: z
    .string()
    .max(CONTACT_NAME_MAX_LENGTH)
    .optional()
    .meta({ description: 'Um nome digitado aqui nunca é trocado pelo perfil do WhatsApp' }),
  email: optionalText(320),
  phone_number: optionalText(40).meta({
    description:
      'Qualquer formato; sem código de país é lido como brasileiro. 5511987654321 e 551187654321 são o mesmo contato.',
  }),
  identifier: optionalText(255),
  custom_attributes: attributes.optional().meta({ description: 'Mesclados com os existentes' }),
  additional_attributes: attributes.optional().meta({ description: 'Mesclados com os existentes' }),
  blocked: z.boolean().optional().meta({ description: 'Aceito por compatibilidade; bloquear ainda não é suportado' }),
  avatar: z.string().optional().meta({ description: 'Ignorado' }),
  avatar_url: z.string().optional().meta({ description: 'Ignorado' }),
});

export const CreateContactSchema = ContactInputSchema.extend({
  inbox_id: z.number().int().positive().optional().meta({ description: 'Cria também o contact_inbox nesta caixa' }),
});

const SORT_VALUES = CONTACT_SORT_COLUMNS.flatMap((column) => [column, `-${column}`]) as [string, ...string[]];

export const ContactListQuerySchema = z.object({
  sort: z
    .enum(SORT_VALUES)
    .optional()
    .meta({ description: 'Campo de ordenação; "-" na frente inverte (padrão: -last_activity_at)' }),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});

export const ContactSearchQuerySchema = ContactListQuerySchema.extend({
  q: z.string().trim().min(1, { error: 'informe o que buscar' }).max(200),
});

export function parseSort(sort: string | undefined): ContactSort {
  if (!sort) return { column: 'last_activity_at', direction: 'desc' };
  return sort.startsWith('-')
    ? { column: sort.slice(1) as ContactSortColumn, direction: 'desc' }
    : { column: sort as ContactSortColumn, direction: 'asc' };
}
