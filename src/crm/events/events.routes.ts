import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { accountOf, principalOf, requireAdministrator } from '../../http/request-context.js';
import { AccountParamsSchema, errorResponses, idParam } from '../../http/schemas.js';
import type { InboxAccess } from '../../inbox/inbox-access.js';
import type { Actor } from '../../inbox/member-set.js';
import {
  CreateEventSchema,
  EventListQuerySchema,
  EventListSchema,
  EventSchema,
  EventSummaryListSchema,
  UpdateEventSchema,
} from './event-schemas.js';
import type { EventsService } from './events.service.js';
import { exportEventsCsv } from './events-export.js';

export const actorOf = (request: FastifyRequest): Actor => ({
  accountId: accountOf(request).id,
  userId: principalOf(request).userId,
  ip: request.ip,
});

const EventParamsSchema = idParam('event_id');

/** Santana's events API (CRM): the calendar, booking, editing and the CSV export. */
export async function eventsRoutes(
  app: FastifyInstance,
  deps: { db: Db; events: EventsService; timeZone: string; access: InboxAccess },
) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['CRM: eventos'];

  api.get(
    '/',
    {
      schema: {
        tags,
        summary: 'Calendário: eventos que se sobrepõem a [from, to)',
        description:
          'Filtros: status, client_id, provider_id (eventos em que o prestador está escalado). Ordenados pelo início. O fluxo em tempo real continua nesta rota para quem pede Accept: text/event-stream.',
        params: AccountParamsSchema,
        querystring: EventListQuerySchema,
        response: { 200: EventListSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => deps.events.list(accountOf(request).id, request.query),
  );

  api.get(
    '/calendar',
    {
      schema: {
        tags,
        summary: 'Calendário como a tela o desenha: o resumo de cada evento',
        description:
          'Os mesmos filtros e a mesma página de GET /events, com o que o calendário e a lista mostram: título, cliente (id e nome), tipo de serviço, horários, status, valor e vagas (pedidas e preenchidas). Escalas, local, observações e conversa ficam em GET /events/:id.',
        params: AccountParamsSchema,
        querystring: EventListQuerySchema,
        response: { 200: EventSummaryListSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => deps.events.summaries(accountOf(request).id, request.query),
  );

  api.get(
    '/export.csv',
    {
      schema: {
        tags,
        summary: 'Exportar eventos em CSV (UTF-8 com BOM, separado por ;)',
        description:
          'Colunas: id, título, cliente, início, fim (no fuso da empresa), status, local, valor (R$), vagas (serviço:preenchidas/pedidas). Aceita os filtros do calendário.',
        params: AccountParamsSchema,
        querystring: EventListQuerySchema.omit({ page: true, per_page: true }),
        response: { 200: z.string().meta({ description: 'text/csv' }), ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const csv = await exportEventsCsv(deps.db, accountOf(request).id, request.query, deps.timeZone);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="eventos.csv"')
        .send(csv);
    },
  );

  api.get(
    '/:event_id',
    {
      schema: {
        tags,
        summary: 'Ver um evento: cliente, vagas, escalas e conversa de origem',
        params: EventParamsSchema,
        response: { 200: EventSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => deps.events.get(accountOf(request).id, request.params.event_id),
  );

  api.post(
    '/',
    {
      schema: {
        tags,
        summary: 'Agendar um evento para um cliente',
        description:
          'Horários em ISO 8601 com fuso (guardados em UTC); ends_at depois de starts_at. staffing: [{service: "Garçom" ou id, quantity}]. conversation_id: número da conversa de onde veio a reserva.',
        params: AccountParamsSchema,
        body: CreateEventSchema,
        response: { 201: EventSchema, ...errorResponses(400, 401, 404, 422) },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await deps.events.create(actorOf(request), request.body, await deps.access.scopeOf(request))),
  );

  api.patch(
    '/:event_id',
    {
      schema: {
        tags,
        summary: 'Editar, remarcar, trocar vagas ou mudar o status de um evento',
        description:
          'Remarcar move as escalas e confere de novo cada prestador (409 provider_unavailable citando o outro evento). status: scheduled → confirmed → done, ou cancelled (cancela as escalas).',
        params: EventParamsSchema,
        body: UpdateEventSchema,
        response: { 200: EventSchema, ...errorResponses(400, 401, 404, 409, 422) },
      },
    },
    async (request) =>
      deps.events.update(actorOf(request), request.params.event_id, request.body, await deps.access.scopeOf(request)),
  );

  api.delete(
    '/:event_id',
    {
      preHandler: requireAdministrator,
      schema: {
        tags,
        summary: 'Excluir um evento sem histórico (administradores); com histórico, cancele',
        params: EventParamsSchema,
        response: { 200: z.object({ success: z.boolean() }), ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      await deps.events.remove(actorOf(request), request.params.event_id);
      return { success: true };
    },
  );
}
