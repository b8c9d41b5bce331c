import { z } from 'zod';
import { ServiceRefSchema } from '../crm/events/event-schemas.js';
import type { DispatchRow, OfferRow } from './dispatches.repo.js';

export const DISPATCH_STRATEGIES = ['broadcast', 'sequential'] as const;

export const StartDispatchSchema = z.strictObject({
  service: ServiceRefSchema.meta({ description: 'Nome ("Garçom") ou id do tipo de serviço de uma vaga do evento' }),
  strategy: z.enum(DISPATCH_STRATEGIES, { error: 'strategy deve ser broadcast ou sequential' }).meta({
    description:
      'broadcast: oferece a vários ao mesmo tempo (fanout), o primeiro a aceitar fica; sequential: um por vaga em aberto, o próximo quando alguém recusa ou não responde',
  }),
  offer_ttl_minutes: z
    .number()
    .int({ error: 'offer_ttl_minutes deve ser inteiro' })
    .min(1, { error: 'offer_ttl_minutes deve ser ao menos 1' })
    .max(7 * 24 * 60, { error: 'offer_ttl_minutes: no máximo 7 dias' })
    .optional()
    .meta({ description: 'Quanto tempo cada oferta espera resposta. Padrão: 30' }),
  candidates: z
    .array(z.number().int().positive(), { error: 'candidates deve ser uma lista de ids de prestadores' })
    .min(1, { error: 'candidates: informe ao menos um prestador (ou omita para escolha automática)' })
    .max(200)
    .refine((ids) => new Set(ids).size === ids.length, { error: 'candidates: prestador repetido' })
    .optional()
    .meta({ description: 'Prestadores escolhidos, na ordem em que serão chamados. Sem a lista: escolha automática' }),
  fanout: z
    .number()
    .int({ error: 'fanout deve ser inteiro' })
    .min(1, { error: 'fanout deve ser ao menos 1' })
    .max(200)
    .optional()
    .meta({ description: 'broadcast: quantas ofertas ficam abertas ao mesmo tempo. Padrão: vagas em aberto × 3' }),
  pay_cents: z
    .number()
    .int({ error: 'pay_cents deve ser inteiro (centavos)' })
    .min(0, { error: 'pay_cents não pode ser negativo' })
    .max(Number.MAX_SAFE_INTEGER)
    .optional()
    .meta({ description: 'Pagamento do prestador, em centavos, mostrado na oferta' }),
});
export type StartDispatchInput = z.infer<typeof StartDispatchSchema>;

const instant = z.string().nullable();

export const OfferSchema = z
  .object({
    assignment_id: z.number(),
    provider_id: z.number(),
    provider_name: z.string(),
    status: z.enum(['offered', 'accepted', 'declined', 'expired', 'withdrawn', 'cancelled', 'assigned']),
    offered_at: instant,
    expires_at: instant,
    responded_at: instant,
    response_source: z.string().nullable().meta({ description: 'button, text, timeout ou undelivered (não entregue)' }),
  })
  .meta({ id: 'DispatchOffer' });

export const DispatchSchema = z
  .object({
    id: z.number(),
    event_id: z.number(),
    service: z.string(),
    service_type_id: z.number(),
    strategy: z.enum(DISPATCH_STRATEGIES),
    status: z.enum(['running', 'completed', 'exhausted', 'cancelled']),
    offer_ttl_minutes: z.number(),
    fanout: z.number().nullable(),
    pay_cents: z.number().nullable(),
    candidates: z.array(z.number()).nullable().meta({ description: 'A lista do gestor; null = escolha automática' }),
    created_by: z.number().nullable(),
    created_at: z.string(),
    finished_at: instant,
    offers: z.array(OfferSchema),
  })
  .meta({ id: 'Dispatch' });
export type DispatchView = z.infer<typeof DispatchSchema>;

export const DispatchListSchema = z.object({
  meta: z.object({ count: z.number(), current_page: z.number() }),
  payload: z.array(DispatchSchema),
});

const iso = (at: Date | null) => (at ? at.toISOString() : null);

export function dispatchView(dispatch: DispatchRow, offers: readonly OfferRow[]): DispatchView {
  return {
    id: dispatch.id,
    event_id: dispatch.event_id,
    service: dispatch.service,
    service_type_id: dispatch.service_type_id,
    strategy: dispatch.strategy,
    status: dispatch.status,
    offer_ttl_minutes: dispatch.offer_ttl_minutes,
    fanout: dispatch.fanout,
    pay_cents: dispatch.pay_cents === null ? null : Number(dispatch.pay_cents),
    candidates: dispatch.candidates,
    created_by: dispatch.created_by,
    created_at: dispatch.created_at.toISOString(),
    finished_at: iso(dispatch.finished_at),
    offers: offers
      .filter((offer) => offer.dispatch_id === dispatch.id)
      .map((offer) => ({
        assignment_id: offer.id,
        provider_id: offer.provider_id,
        provider_name: offer.provider_name,
        status: offer.status,
        offered_at: iso(offer.offered_at),
        expires_at: iso(offer.expires_at),
        responded_at: iso(offer.responded_at),
        response_source: offer.response_source,
      })),
  };
}
