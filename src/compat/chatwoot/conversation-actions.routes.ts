import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { accountOf } from '../../http/request-context.js';
import { errorResponses } from '../../http/schemas.js';
import type { ConversationActions } from '../../inbox/conversation-actions.service.js';
import type { ConversationViews } from '../../inbox/conversation-views.js';
import { actorOf, ConversationParamsSchema, conversationView, looseObject } from './conversation-params.js';
import { serializeAssignee } from './serializers.js';

/** A time as Chatwoot clients send it: Unix seconds or an ISO 8601 string. */
const InstantSchema = z
  .union([z.number().positive(), z.iso.datetime({ offset: true })])
  .transform((value) => new Date(typeof value === 'number' ? value * 1000 : value));

const LabelsBodySchema = z.strictObject({
  labels: z.array(z.string().trim().min(1).max(255)).max(50),
});

/** What agents do to a conversation: status, priority, assignment, labels, attributes, read state. */
export async function chatwootConversationActionsRoutes(
  app: FastifyInstance,
  deps: { views: ConversationViews; actions: ConversationActions },
) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Conversas (compatível com Chatwoot)'];

  api.post(
    '/:conversation_id/toggle_status',
    {
      schema: {
        tags,
        summary: 'Mudar o status (sem status: alterna entre aberta e resolvida)',
        description:
          'snoozed exige snoozed_until (segundos Unix ou ISO 8601, no futuro): a conversa reabre sozinha nessa hora, ou antes se o contato escrever.',
        params: ConversationParamsSchema,
        body: z
          .strictObject({
            status: z.enum(['open', 'resolved', 'pending', 'snoozed']).optional(),
            snoozed_until: InstantSchema.optional(),
          })
          .default({}),
        response: {
          200: z.object({
            meta: looseObject,
            payload: z.object({ success: z.boolean(), current_status: z.string(), conversation_id: z.number() }),
          }),
          ...errorResponses(400, 401, 404, 409, 422),
        },
      },
    },
    async (request) => {
      const { status, snoozed_until: snoozedUntil } = request.body;
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
        body: z.strictObject({ priority: z.enum(['low', 'medium', 'high', 'urgent', 'none']).nullable() }),
        response: { 200: looseObject, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const priority = request.body.priority === 'none' ? null : request.body.priority;
      await deps.actions.setPriority(actorOf(request), request.params.conversation_id, priority);
      return {};
    },
  );

  api.post(
    '/:conversation_id/assignments',
    {
      schema: {
        tags,
        summary: 'Atribuir a um agente ou a um time (assignee_id null remove a atribuição)',
        description:
          'Com assignee_id, team_id é ignorado (como no Chatwoot). Responde com o agente atribuído, ou o time.',
        params: ConversationParamsSchema,
        body: z.strictObject({
          assignee_id: z.number().int().positive().nullable().optional(),
          team_id: z.number().int().positive().nullable().optional(),
        }),
        response: { 200: looseObject.nullable(), ...errorResponses(400, 401, 404, 422) },
      },
    },
    async (request) => {
      const actor = actorOf(request);
      const { assignee_id: assigneeId, team_id: teamId } = request.body;
      if (assigneeId === undefined && teamId !== undefined) {
        await deps.actions.assignTeam(actor, request.params.conversation_id, teamId);
        const view = await conversationView(deps.views, actor.accountId, request.params.conversation_id);
        return (view.meta as { team?: Record<string, unknown> | null }).team ?? null;
      }
      const { conversation } = await deps.actions.assign(actor, request.params.conversation_id, assigneeId ?? null);
      const view = await conversationView(deps.views, accountOf(request).id, conversation.display_id);
      return view.meta.assignee ?? serializeAssignee(null);
    },
  );

  api.get(
    '/:conversation_id/labels',
    {
      schema: {
        tags,
        summary: 'Marcadores da conversa',
        params: ConversationParamsSchema,
        response: { 200: z.object({ payload: z.array(z.string()) }), ...errorResponses(401, 404) },
      },
    },
    async (request) => {
      const view = await conversationView(deps.views, accountOf(request).id, request.params.conversation_id);
      return { payload: view.labels };
    },
  );

  api.post(
    '/:conversation_id/labels',
    {
      schema: {
        tags,
        summary: 'Definir os marcadores (a lista enviada substitui a atual, como no Chatwoot)',
        params: ConversationParamsSchema,
        body: LabelsBodySchema,
        response: { 200: z.object({ payload: z.array(z.string()) }), ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const updated = await deps.actions.setLabels(
        actorOf(request),
        request.params.conversation_id,
        request.body.labels,
      );
      return { payload: updated.labels };
    },
  );

  api.post(
    '/:conversation_id/custom_attributes',
    {
      schema: {
        tags,
        summary: 'Definir os atributos personalizados (substituem os atuais)',
        params: ConversationParamsSchema,
        body: z.object({ custom_attributes: looseObject }),
        response: { 200: z.object({ custom_attributes: looseObject }), ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const updated = await deps.actions.update(actorOf(request), request.params.conversation_id, {
        customAttributes: request.body.custom_attributes,
      });
      return { custom_attributes: updated.custom_attributes };
    },
  );

  api.post(
    '/:conversation_id/update_last_seen',
    {
      schema: {
        tags,
        summary: 'Marcar como lida pelo agente',
        params: ConversationParamsSchema,
        response: { 200: looseObject, ...errorResponses(401, 404) },
      },
    },
    async (request) => {
      await deps.actions.markSeen(actorOf(request), request.params.conversation_id);
      return {};
    },
  );

  api.post(
    '/:conversation_id/unread',
    {
      schema: {
        tags,
        summary: 'Marcar como não lida (a última mensagem recebida volta a contar)',
        params: ConversationParamsSchema,
        response: { 200: looseObject, ...errorResponses(401, 404) },
      },
    },
    async (request) => {
      await deps.actions.markUnread(actorOf(request), request.params.conversation_id);
      return conversationView(deps.views, accountOf(request).id, request.params.conversation_id);
    },
  );
}
