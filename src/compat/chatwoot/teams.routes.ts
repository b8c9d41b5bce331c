import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AgentSchema } from '../../accounts/agents.routes.js';
import { serializeAgent } from '../../accounts/agents.service.js';
import { accountOf, principalOf, requireAdministrator } from '../../http/request-context.js';
import { AccountParamsSchema, errorResponses, idParam } from '../../http/schemas.js';
import type { MemberChangeMode } from '../../inbox/member-set.js';
import type { TeamsService } from '../../inbox/teams.service.js';
import { UserIdsSchema } from './inbox-members.routes.js';
import { actorOf } from './request-actor.js';
import { serializeTeam } from './serializers.js';

const TeamSchema = z
  .object({
    id: z.number(),
    name: z.string(),
    description: z.string(),
    allow_auto_assign: z.boolean(),
    account_id: z.number(),
    is_member: z.boolean(),
  })
  .meta({ id: 'ChatwootTeam' });

const TeamFieldsSchema = z.strictObject({
  name: z.string().trim().min(1, { error: 'informe o nome' }).max(100),
  description: z.string().trim().max(1000).optional(),
  allow_auto_assign: z.boolean().optional(),
});

const TeamParamsSchema = idParam('team_id');
const EmptySchema = z.null().meta({ description: 'Corpo vazio, como no Chatwoot' });

/** Chatwoot's teams and their members. Reads are open to agents; changes are for administrators. */
export async function chatwootTeamsRoutes(app: FastifyInstance, deps: { teams: TeamsService }) {
  const { teams } = deps;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Times (compatível com Chatwoot)'];
  const admin = { preHandler: requireAdministrator };

  api.get(
    '/',
    {
      schema: {
        tags,
        summary: 'Listar times',
        params: AccountParamsSchema,
        response: { 200: z.array(TeamSchema), ...errorResponses(401, 404) },
      },
    },
    async (request) => (await teams.list(accountOf(request).id, principalOf(request).userId)).map(serializeTeam),
  );

  api.post(
    '/',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Criar time (administradores)',
        params: AccountParamsSchema,
        body: TeamFieldsSchema,
        response: { 200: TeamSchema, ...errorResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) => serializeTeam(await teams.create(actorOf(request), request.body)),
  );

  api.get(
    '/:team_id',
    {
      schema: {
        tags,
        summary: 'Ver um time',
        params: TeamParamsSchema,
        response: { 200: TeamSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) =>
      serializeTeam(await teams.get(accountOf(request).id, request.params.team_id, principalOf(request).userId)),
  );

  api.patch(
    '/:team_id',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Alterar um time (administradores)',
        params: TeamParamsSchema,
        body: TeamFieldsSchema.partial(),
        response: { 200: TeamSchema, ...errorResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) => serializeTeam(await teams.update(actorOf(request), request.params.team_id, request.body)),
  );

  api.delete(
    '/:team_id',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Excluir um time; suas conversas ficam sem time (administradores)',
        params: TeamParamsSchema,
        response: { 200: EmptySchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await teams.remove(actorOf(request), request.params.team_id);
      return reply.code(200).send(null);
    },
  );

  api.get(
    '/:team_id/team_members',
    {
      schema: {
        tags,
        summary: 'Listar agentes do time',
        params: TeamParamsSchema,
        response: { 200: z.array(AgentSchema), ...errorResponses(400, 401, 404) },
      },
    },
    async (request) =>
      (await teams.members(accountOf(request).id, request.params.team_id, principalOf(request).userId)).map(
        serializeAgent,
      ),
  );

  const verbs: Array<['post' | 'patch', MemberChangeMode, string]> = [
    ['post', 'add', 'Adicionar agentes ao time (administradores)'],
    ['patch', 'replace', 'Definir exatamente os agentes do time (administradores)'],
  ];
  for (const [method, mode, summary] of verbs) {
    api[method](
      '/:team_id/team_members',
      {
        ...admin,
        schema: {
          tags,
          summary,
          params: TeamParamsSchema,
          body: z.object({ user_ids: UserIdsSchema }),
          response: { 200: z.array(AgentSchema), ...errorResponses(400, 401, 403, 404, 422) },
        },
      },
      async (request) =>
        (await teams.changeMembers(actorOf(request), request.params.team_id, mode, request.body.user_ids)).map(
          serializeAgent,
        ),
    );
  }

  api.delete(
    '/:team_id/team_members',
    {
      ...admin,
      schema: {
        tags,
        summary: 'Remover agentes do time (administradores)',
        params: TeamParamsSchema,
        body: z.object({ user_ids: UserIdsSchema }),
        response: { 200: EmptySchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await teams.changeMembers(actorOf(request), request.params.team_id, 'remove', request.body.user_ids);
      return reply.code(200).send(null);
    },
  );
}
