import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf } from '../crm/events/events.routes.js';
import { accountOf } from '../http/request-context.js';
import { errorResponses, idParam } from '../http/schemas.js';
import type { DispatchService } from './dispatch.service.js';
import { DispatchListSchema, DispatchSchema, StartDispatchSchema } from './dispatch-schemas.js';

/** Provider dispatch: /events/:event_id/dispatch(es) and /dispatches/:dispatch_id. */
export async function dispatchRoutes(app: FastifyInstance, deps: { dispatch: DispatchService }) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Escala automática'];
  const EventParams = idParam('event_id');
  const DispatchParams = idParam('dispatch_id');

  api.post(
    '/events/:event_id/dispatch',
    {
      schema: {
        tags,
        summary: 'Oferecer as vagas de um serviço do evento aos prestadores (WhatsApp: Aceitar / Recusar)',
        description:
          'Sem candidates, escolhe automaticamente: ativos, que prestam o serviço, atendem a região do evento (cidade, bairro ou estado; sem regiões = qualquer lugar), livres no horário e ainda não chamados para este evento e serviço, ordenados pela taxa de aceite e pela nota. 422: serviço que o evento não pede, evento cancelado/realizado, candidatos inelegíveis (nomeados em details) ou nenhum prestador disponível. 409 staffing_full: vagas já preenchidas; 409 conflict: já há uma escala automática deste serviço em andamento.',
        params: EventParams,
        body: StartDispatchSchema,
        response: { 201: DispatchSchema, ...errorResponses(400, 401, 404, 409, 422) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await deps.dispatch.start(actorOf(request), request.params.event_id, request.body)),
  );

  api.get(
    '/events/:event_id/dispatches',
    {
      schema: {
        tags,
        summary: 'Escalas automáticas do evento, as mais recentes primeiro, com cada oferta',
        params: EventParams,
        response: { 200: DispatchListSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const payload = await deps.dispatch.listForEvent(accountOf(request).id, request.params.event_id);
      return { meta: { count: payload.length, current_page: 1 }, payload };
    },
  );

  api.get(
    '/dispatches/:dispatch_id',
    {
      schema: {
        tags,
        summary: 'Ver uma escala automática e suas ofertas',
        params: DispatchParams,
        response: { 200: DispatchSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => deps.dispatch.get(accountOf(request).id, request.params.dispatch_id),
  );

  api.post(
    '/dispatches/:dispatch_id/cancel',
    {
      schema: {
        tags,
        summary: 'Cancelar uma escala automática em andamento (retira as ofertas em aberto)',
        params: DispatchParams,
        response: { 200: DispatchSchema, ...errorResponses(400, 401, 404, 409) },
      },
    },
    async (request) => deps.dispatch.cancel(actorOf(request), request.params.dispatch_id),
  );
}
