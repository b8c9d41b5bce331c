import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { accountOf, requireAdministrator } from '../../http/request-context.js';
import { AccountParamsSchema, errorResponses, idParam } from '../../http/schemas.js';
import { crmActorOf } from '../pipeline/actor.js';
import { InstantOut, iso, listOf } from '../pipeline/crm-schemas.js';
import type { ServiceType } from './service-types.repo.js';
import type { ServiceTypesService } from './service-types.service.js';

export const ServiceTypeSchema = z
  .object({ id: z.number(), name: z.string(), created_at: InstantOut, updated_at: InstantOut })
  .meta({ id: 'ServiceType' });

const serialize = (row: ServiceType) => ({
  id: row.id,
  name: row.name,
  created_at: iso(row.created_at),
  updated_at: iso(row.updated_at),
});

const BodySchema = z.strictObject({
  name: z
    .string({ error: 'name: informe o nome do serviço' })
    .trim()
    .min(1, { error: 'name: informe o nome do serviço' })
    .max(100, { error: 'name: no máximo 100 caracteres' }),
});
const Params = idParam('id');

/** Service types a provider offers and an event's staffing asks for ("Garçom", "DJ"). */
export async function serviceTypesRoutes(app: FastifyInstance, deps: { serviceTypes: ServiceTypesService }) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['CRM: tipos de serviço'];

  api.get(
    '/',
    {
      schema: {
        tags,
        summary: 'Listar os tipos de serviço (todos, por nome)',
        params: AccountParamsSchema,
        response: { 200: listOf(ServiceTypeSchema), ...errorResponses(401, 404) },
      },
    },
    async (request) => {
      const rows = await deps.serviceTypes.list(accountOf(request).id);
      return { meta: { count: rows.length, current_page: 1 }, payload: rows.map(serialize) };
    },
  );

  api.post(
    '/',
    {
      schema: {
        tags,
        summary: 'Criar um tipo de serviço',
        description: 'O nome é único na conta, sem diferenciar maiúsculas (422 se já existe).',
        params: AccountParamsSchema,
        body: BodySchema,
        response: { 201: ServiceTypeSchema, ...errorResponses(400, 401, 404, 422) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(serialize(await deps.serviceTypes.create(crmActorOf(request), request.body.name))),
  );

  api.patch(
    '/:id',
    {
      schema: {
        tags,
        summary: 'Renomear um tipo de serviço',
        params: Params,
        body: BodySchema,
        response: { 200: ServiceTypeSchema, ...errorResponses(400, 401, 404, 422) },
      },
    },
    async (request) =>
      serialize(await deps.serviceTypes.rename(crmActorOf(request), request.params.id, request.body.name)),
  );

  api.delete(
    '/:id',
    {
      preHandler: requireAdministrator,
      schema: {
        tags,
        summary: 'Excluir um tipo de serviço (administradores)',
        description:
          'Os prestadores deixam de oferecê-lo. Em uso na equipe de um evento ou numa escala: 409 (o histórico depende dele).',
        params: Params,
        response: { 204: z.void(), ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await deps.serviceTypes.remove(crmActorOf(request), request.params.id);
      return reply.code(204).send();
    },
  );
}
