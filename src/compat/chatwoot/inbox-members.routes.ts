import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AgentSchema } from '../../accounts/agents.routes.js';
import { serializeAgent } from '../../accounts/agents.service.js';
import { accountOf, requireAdministrator } from '../../http/request-context.js';
import { AccountParamsSchema, errorResponses, idParam } from '../../http/schemas.js';
import type { InboxAdminService } from '../../inbox/inbox-admin.service.js';
import type { MemberChangeMode } from '../../inbox/member-set.js';
import { actorOf, viewerOf } from './request-actor.js';

/** `user_ids` as Chatwoot sends them (numbers, sometimes as strings). */
export const UserIdsSchema = z
  .array(z.coerce.number({ error: 'ids de usuário são números' }).int().positive(), {
    error: 'user_ids deve ser uma lista de ids',
  })
  .max(1000);

const ChangeSchema = z.object({
  inbox_id: z.coerce.number({ error: 'inbox_id deve ser um número' }).int().positive(),
  user_ids: UserIdsSchema,
});

const PayloadSchema = z.object({ payload: z.array(AgentSchema) });

/** Which agents work in an inbox (agents see only the inboxes they are members of). */
export async function chatwootInboxMembersRoutes(app: FastifyInstance, deps: { inboxAdmin: InboxAdminService }) {
  const { inboxAdmin } = deps;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Caixas de entrada (compatível com Chatwoot)'];

  api.get(
    '/:inbox_id',
    {
      schema: {
        tags,
        summary: 'Listar agentes de uma caixa de entrada (agentes: só das suas)',
        params: idParam('inbox_id'),
        response: { 200: PayloadSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => ({
      payload: (await inboxAdmin.members(accountOf(request).id, request.params.inbox_id, viewerOf(request))).map(
        serializeAgent,
      ),
    }),
  );

  const verbs: Array<['post' | 'patch', MemberChangeMode, string]> = [
    ['post', 'add', 'Adicionar agentes a uma caixa de entrada (administradores)'],
    ['patch', 'replace', 'Definir exatamente os agentes de uma caixa de entrada (administradores)'],
  ];
  for (const [method, mode, summary] of verbs) {
    api[method](
      '/',
      {
        preHandler: requireAdministrator,
        schema: {
          tags,
          summary,
          params: AccountParamsSchema,
          body: ChangeSchema,
          response: { 200: PayloadSchema, ...errorResponses(400, 401, 403, 404, 422) },
        },
      },
      async (request) => {
        const { inbox_id: inboxId, user_ids: userIds } = request.body;
        const members = await inboxAdmin.changeMembers(actorOf(request), inboxId, mode, userIds);
        return { payload: members.map(serializeAgent) };
      },
    );
  }

  api.delete(
    '/',
    {
      preHandler: requireAdministrator,
      schema: {
        tags,
        summary: 'Remover agentes de uma caixa de entrada (administradores)',
        params: AccountParamsSchema,
        body: ChangeSchema,
        response: {
          200: z.null().meta({ description: 'Corpo vazio, como no Chatwoot' }),
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      await inboxAdmin.changeMembers(actorOf(request), request.body.inbox_id, 'remove', request.body.user_ids);
      return reply.code(200).send(null);
    },
  );
}
