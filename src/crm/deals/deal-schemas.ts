import { z } from 'zod';
import { dayIn, InstantOut, idIn, idQuery, iso, isoOrNull, listOf, pageQuery } from '../pipeline/crm-schemas.js';
import type { DealView } from './deals.repo.js';

export const DealStatusSchema = z.enum(['open', 'won', 'lost']);

export const DealSchema = z
  .object({
    id: z.number(),
    title: z.string(),
    contact_id: z.number(),
    contact: z.object({ id: z.number(), name: z.string(), phone_number: z.string().nullable() }),
    stage_id: z.number(),
    value_cents: z.number().nullable().meta({ description: 'Valor em centavos' }),
    expected_close_on: z.string().nullable().meta({ description: 'AAAA-MM-DD' }),
    owner_id: z.number().nullable(),
    owner: z.object({ id: z.number(), name: z.string() }).nullable(),
    conversation_id: z.number().nullable().meta({ description: 'Número (display id) da conversa de origem' }),
    event_id: z.number().nullable(),
    status: DealStatusSchema,
    lost_reason: z.string().nullable(),
    closed_at: InstantOut.nullable(),
    created_at: InstantOut,
    updated_at: InstantOut,
  })
  .meta({ id: 'Deal' });

export const serializeDeal = (deal: DealView): z.infer<typeof DealSchema> => ({
  id: deal.id,
  title: deal.title,
  contact_id: deal.contact_id,
  contact: { id: deal.contact_id, name: deal.contact_name, phone_number: deal.contact_phone_number },
  stage_id: deal.stage_id,
  value_cents: deal.value_cents,
  expected_close_on: deal.expected_close_on,
  owner_id: deal.owner_id,
  owner: deal.owner_id !== null && deal.owner_name !== null ? { id: deal.owner_id, name: deal.owner_name } : null,
  conversation_id: deal.conversation_display_id,
  event_id: deal.event_id,
  status: deal.status,
  lost_reason: deal.lost_reason,
  closed_at: isoOrNull(deal.closed_at),
  created_at: iso(deal.created_at),
  updated_at: iso(deal.updated_at),
});

export const DealListSchema = listOf(DealSchema);

const title = z.string().trim().min(1, { error: 'title: informe o título do negócio' }).max(200);
const valueCents = z
  .number({ error: 'value_cents deve ser um número inteiro de centavos' })
  .int({ error: 'value_cents deve ser um número inteiro de centavos' })
  .min(0, { error: 'value_cents não pode ser negativo' })
  .max(Number.MAX_SAFE_INTEGER);
const lostReason = z.string().trim().min(1, { error: 'lost_reason: informe o motivo' }).max(500);

export const CreateDealSchema = z.strictObject({
  title,
  contact_id: idIn('contact_id'),
  stage_id: idIn('stage_id').optional().meta({ description: 'Sem ela, a primeira etapa do funil' }),
  value_cents: valueCents.nullable().optional(),
  expected_close_on: dayIn('expected_close_on').nullable().optional(),
  owner_id: idIn('owner_id').nullable().optional().meta({ description: 'Sem ele, quem cria é o responsável' }),
  conversation_id: idIn('conversation_id')
    .nullable()
    .optional()
    .meta({ description: 'Número (display id) da conversa' }),
  event_id: idIn('event_id').nullable().optional(),
  lost_reason: lostReason.optional().meta({ description: 'Obrigatório quando a etapa é de perda' }),
});

export const UpdateDealSchema = CreateDealSchema.partial().extend({
  lost_reason: lostReason.optional().meta({ description: 'Obrigatório ao mover para uma etapa de perda' }),
});

// The reason is checked by the service, so a missing one is a 422 that names it, like other business rules.
export const LostBodySchema = z
  .strictObject({ reason: z.string({ error: 'reason deve ser um texto' }).max(500).optional() })
  // Fastify reads a request without a body as null.
  .nullish();

export const DealFilterQuerySchema = z.object({
  stage_id: idQuery('stage_id').optional(),
  owner_id: idQuery('owner_id').optional(),
  contact_id: idQuery('contact_id').optional(),
  status: DealStatusSchema.optional(),
});

export const DealListQuerySchema = DealFilterQuerySchema.extend({ page: pageQuery });

export const BoardQuerySchema = DealFilterQuerySchema.extend({
  per_stage: z.coerce.number().int().min(1).max(200).default(50).meta({ description: 'Negócios por coluna (até 200)' }),
});

export const BoardSchema = z
  .object({
    payload: z.array(
      z.object({
        stage: z.object({
          id: z.number(),
          name: z.string(),
          position: z.number(),
          probability: z.number(),
          is_won: z.boolean(),
          is_lost: z.boolean(),
        }),
        count: z.number().meta({ description: 'Negócios na etapa (com os filtros)' }),
        value_cents: z.number().meta({ description: 'Soma dos valores, em centavos' }),
        deals: z.array(DealSchema).meta({ description: 'Os mais recentes, até per_stage' }),
      }),
    ),
  })
  .meta({ id: 'DealBoard' });
