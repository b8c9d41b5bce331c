import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { accountOf } from '../../http/request-context.js';
import { errorResponses, idParam } from '../../http/schemas.js';
import { AssignmentSchema, ServiceRefSchema } from '../events/event-schemas.js';
import { actorOf } from '../events/events.routes.js';
import type { EventsService } from '../events/events.service.js';
import type { AssignmentsService } from './assignments.service.js';

const EventParamsSchema = idParam('event_id');
const AssignmentParamsSchema = EventParamsSchema.extend({
  assignment_id: idParam('assignment_id').shape.assignment_id,
});

/** Providers on an event (registered under /events/:event_id/assignments). */
export async function assignmentsRoutes(
  app: FastifyInstance,
  deps: { assignments: AssignmentsService; events: EventsService },
) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['CRM: escalas'];

  api.get(
    '/',
    {
      schema: {
        tags,
        summary: 'Escalas do evento (inclui as retiradas e canceladas, como histórico)',
        params: EventParamsSchema,
        response: { 200: z.object({ payload: z.array(AssignmentSchema) }), ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => ({
      payload: (await deps.events.get(accountOf(request).id, request.params.event_id)).assignments,
    }),
  );

  api.post(
    '/',
    {
      schema: {
        tags,
        summary: 'Escalar um prestador no evento',
        description:
          '409 provider_unavailable: o prestador já está escalado em outro evento no mesmo horário (a mensagem cita qual). 409 staffing_full: o evento não pede esse serviço ou as vagas acabaram. 422: prestador inativo, sem esse serviço, ou evento cancelado/realizado.',
        params: EventParamsSchema,
        body: z.strictObject({ provider_id: z.number().int().positive(), service: ServiceRefSchema }),
        response: { 201: AssignmentSchema, ...errorResponses(400, 401, 404, 409, 422) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await deps.assignments.assign(actorOf(request), request.params.event_id, request.body)),
  );

  api.delete(
    '/:assignment_id',
    {
      schema: {
        tags,
        summary: 'Retirar um prestador do evento',
        description:
          'A escala fica no histórico com status withdrawn e deixa de ocupar a vaga e a agenda do prestador.',
        params: AssignmentParamsSchema,
        response: { 200: AssignmentSchema, ...errorResponses(400, 401, 404, 409) },
      },
    },
    async (request) =>
      deps.assignments.withdraw(actorOf(request), request.params.event_id, request.params.assignment_id),
  );
}
