import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { accountOf, principalOf, requireAdministrator } from '../http/request-context.js';
import { AccountParamsSchema, errorResponses, idParam } from '../http/schemas.js';
import type { AgentsService } from './agents.service.js';

const RoleSchema = z.enum(['administrator', 'agent']);
const AvailabilitySchema = z.enum(['available', 'busy', 'offline']);

export const AgentSchema = z
  .object({
    id: z.number(),
    account_id: z.number(),
    availability_status: AvailabilitySchema,
    auto_offline: z.boolean(),
    confirmed: z.boolean(),
    email: z.string(),
    available_name: z.string(),
    name: z.string(),
    role: RoleSchema,
    thumbnail: z.string(),
    custom_role_id: z.number().nullable(),
  })
  .meta({ id: 'Agent' });

const CreateAgentSchema = z.strictObject({
  name: z.string().trim().min(1, { error: 'informe o nome' }).max(200),
  email: z.email({ error: 'e-mail inválido' }).max(320),
  role: RoleSchema,
  availability_status: AvailabilitySchema.optional(),
  auto_offline: z.boolean().optional(),
  password: z.string().min(8, { error: 'mínimo de 8 caracteres' }).max(1024).optional().meta({
    description: 'Santana: senha inicial. Sem ela, a resposta traz invitation_url para o agente definir a sua.',
  }),
});

const UpdateAgentSchema = z.strictObject({
  role: RoleSchema.optional(),
  availability_status: AvailabilitySchema.optional(),
  auto_offline: z.boolean().optional(),
  name: z.string().trim().min(1).max(200).optional(),
});

export async function agentsRoutes(app: FastifyInstance, options: { agents: AgentsService }) {
  const { agents } = options;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Agentes'];
  const actorOf = (request: Parameters<typeof accountOf>[0]) => ({
    accountId: accountOf(request).id,
    userId: principalOf(request).userId,
    ip: request.ip,
  });

  api.get(
    '/',
    {
      schema: {
        tags,
        summary: 'Listar agentes da conta',
        params: AccountParamsSchema,
        response: { 200: z.array(AgentSchema), ...errorResponses(401, 404) },
      },
    },
    async (request) => agents.list(accountOf(request).id),
  );

  api.post(
    '/',
    {
      preHandler: requireAdministrator,
      schema: {
        tags,
        summary: 'Adicionar agente (administradores)',
        params: AccountParamsSchema,
        body: CreateAgentSchema,
        response: {
          200: AgentSchema.extend({ invitation_url: z.string().nullable() }),
          ...errorResponses(400, 401, 403, 404, 422),
        },
      },
    },
    async (request) => agents.create(actorOf(request), request.body),
  );

  api.patch(
    '/:agent_id',
    {
      preHandler: requireAdministrator,
      schema: {
        tags,
        summary: 'Alterar papel ou disponibilidade de um agente (administradores)',
        params: idParam('agent_id'),
        body: UpdateAgentSchema,
        response: { 200: AgentSchema, ...errorResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) => agents.update(actorOf(request), request.params.agent_id, request.body),
  );

  api.delete(
    '/:agent_id',
    {
      preHandler: requireAdministrator,
      schema: {
        tags,
        summary: 'Remover um agente da conta (administradores)',
        params: idParam('agent_id'),
        response: { 200: z.object({ success: z.boolean() }), ...errorResponses(401, 403, 404, 422) },
      },
    },
    async (request) => {
      await agents.remove(actorOf(request), request.params.agent_id);
      return { success: true };
    },
  );
}
