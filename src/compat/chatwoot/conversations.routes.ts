import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { accountOf, principalOf } from '../../http/request-context.js';
import { AccountParamsSchema, errorResponses } from '../../http/schemas.js';
import type { ConversationActions } from '../../inbox/conversation-actions.service.js';
import type { ConversationViews } from '../../inbox/conversation-views.js';
import { notFound } from '../../shared/errors.js';
import { serializeAssignee } from './serializers.js';

const ConversationParamsSchema = AccountParamsSchema.extend({
  conversation_id: z.coerce.number({ error: 'conversation_id deve ser um número' }).int().positive(),
});

const ListQuerySchema = z.object({
  status: z.enum(['open', 'resolved', 'pending', 'snoozed', 'all']).default('open'),
  assignee_type: z.enum(['me', 'unassigned', 'assigned', 'all']).default('all'),
  inbox_id: z.coerce.number().int().positive().optional(),
  team_id: z.coerce.number().int().positive().optional(),
  q: z.string().max(200).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});

const loose = z.record(z.string(), z.unknown());
const CountsSchema = z.object({
  mine_count: z.number(),
  unassigned_count: z.number(),
  assigned_count: z.number(),
  all_count: z.number(),
});

/** Chatwoot's conversation endpoints (ids are per-account display ids). */
export async function chatwootConversationsRoutes(
  app: FastifyInstance,
  deps: { views: ConversationViews; actions: ConversationActions },
) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Conversas (compatível com Chatwoot)'];
  const actorOf = (request: FastifyRequest) => {
    const principal = principalOf(request);
    return {
      accountId: accountOf(request).id,
      userId: principal.userId,
      name: principal.displayName ?? principal.name,
    };
  };
  const viewOf = async (accountId: number, displayId: number) => {
    const conversation = await deps.views.findByDisplayId(accountId, displayId);
    if (!conversation) throw notFound('Conversa');
    const [view] = await deps.views.conversationViews(accountId, [conversation]);
    return view;
  };

  api.get(
    '/',
    {
      schema: {
        tags,
        summary: 'Listar conversas (filtros de status, atribuição, caixa, time e busca)',
        params: AccountParamsSchema,
        querystring: ListQuerySchema,
        response: {
          200: z.object({ data: z.object({ meta: CountsSchema, payload: z.array(loose) }) }),
          ...errorResponses(400, 401, 404),
        },
      },
    },
    async (request) => {
      const query = request.query;
      const data = await deps.views.list(accountOf(request).id, principalOf(request).userId, {
        status: query.status,
        assigneeType: query.assignee_type,
        inboxId: query.inbox_id,
        teamId: query.team_id,
        q: query.q,
        page: query.page,
      });
      return { data };
    },
  );

  api.get(
    '/meta',
    {
      schema: {
        tags,
        summary: 'Contagens por atribuição',
        params: AccountParamsSchema,
        querystring: ListQuerySchema.omit({ page: true, assignee_type: true }),
        response: { 200: z.object({ meta: CountsSchema }), ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const query = request.query;
      const { meta } = await deps.views.list(accountOf(request).id, principalOf(request).userId, {
        status: query.status,
        assigneeType: 'all',
        inboxId: query.inbox_id,
        teamId: query.team_id,
        q: query.q,
        page: 1,
      });
      return { meta };
    },
  );

  api.get(
    '/:conversation_id',
    {
      schema: {
        tags,
        summary: 'Ver uma conversa',
        params: ConversationParamsSchema,
        response: { 200: loose, ...errorResponses(401, 404) },
      },
    },
    async (request) => viewOf(accountOf(request).id, request.params.conversation_id),
  );

  api.post(
    '/:conversation_id/toggle_status',
    {
      schema: {
        tags,
        summary: 'Mudar o status (sem status: alterna entre aberta e resolvida)',
        params: ConversationParamsSchema,
        body: z
          .strictObject({
            status: z.enum(['open', 'resolved', 'pending', 'snoozed']).optional(),
            snoozed_until: z.union([z.number(), z.string()]).optional(),
          })
          .default({}),
        response: {
          200: z.object({
            meta: loose,
            payload: z.object({ success: z.boolean(), current_status: z.string(), conversation_id: z.number() }),
          }),
          ...errorResponses(400, 401, 404, 409, 422),
        },
      },
    },
    async (request) => {
      const { status, snoozed_until: until } = request.body;
      const snoozedUntil = until === undefined ? undefined : new Date(typeof until === 'number' ? until * 1000 : until);
      const updated = await deps.actions.setStatus(
        actorOf(request),
        request.params.conversation_id,
        status,
        snoozedUntil,
      );
      return {
        meta: {},
        payload: { success: true, current_status: updated.status, conversation_id: updated.display_id },
      };
    },
  );

  api.post(
    '/:conversation_id/toggle_priority',
    {
      schema: {
        tags,
        summary: 'Definir a prioridade',
        params: ConversationParamsSchema,
        body: z.strictObject({ priority: z.enum(['low', 'medium', 'high', 'urgent']).nullable() }),
        response: { 200: loose, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      await deps.actions.setPriority(actorOf(request), request.params.conversation_id, request.body.priority);
      return {};
    },
  );

  api.post(
    '/:conversation_id/assignments',
    {
      schema: {
        tags,
        summary: 'Atribuir a um agente (assignee_id null remove a atribuição)',
        params: ConversationParamsSchema,
        body: z.strictObject({ assignee_id: z.number().int().positive().nullable().optional() }),
        response: { 200: loose.nullable(), ...errorResponses(400, 401, 404, 422) },
      },
    },
    async (request) => {
      const { conversation } = await deps.actions.assign(
        actorOf(request),
        request.params.conversation_id,
        request.body.assignee_id ?? null,
      );
      const view = await viewOf(accountOf(request).id, conversation.display_id);
      return view?.meta.assignee ?? serializeAssignee(null);
    },
  );

  api.post(
    '/:conversation_id/update_last_seen',
    {
      schema: {
        tags,
        summary: 'Marcar como lida pelo agente',
        params: ConversationParamsSchema,
        response: { 200: loose, ...errorResponses(401, 404) },
      },
    },
    async (request) => {
      await deps.actions.markSeen(actorOf(request), request.params.conversation_id);
      return {};
    },
  );
}
