import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ChatwootTemplateParamsSchema, templateFromChatwoot } from '../../channels/whatsapp/template-params.js';
import { accountOf, principalOf } from '../../http/request-context.js';
import { AccountParamsSchema, errorResponses } from '../../http/schemas.js';
import type { ConversationActions } from '../../inbox/conversation-actions.service.js';
import type { ConversationCreator } from '../../inbox/conversation-create.service.js';
import { conversationFilterCondition } from '../../inbox/conversation-filter.js';
import { CONVERSATION_SORTS, type ConversationViews } from '../../inbox/conversation-views.js';
import type { InboxAccess } from '../../inbox/inbox-access.js';
import type { OutgoingMessagesService } from '../../inbox/outgoing-messages.service.js';
import { actorOf, ConversationParamsSchema, conversationView, looseObject } from './conversation-params.js';
import { FilterBodySchema } from './filter-schema.js';

const LabelListSchema = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (Array.isArray(value) ? value : value.split(',')))
  .optional();

const ListQuerySchema = z.object({
  status: z.enum(['open', 'resolved', 'pending', 'snoozed', 'all']).default('open'),
  assignee_type: z.enum(['me', 'unassigned', 'assigned', 'all']).default('all'),
  inbox_id: z.coerce.number().int().positive().optional(),
  team_id: z.coerce.number().int().positive().optional(),
  // Chatwoot's clients send labels[]=a&labels[]=b; a comma-separated labels=a,b works too.
  labels: LabelListSchema,
  'labels[]': LabelListSchema,
  q: z.string().max(200).optional(),
  sort_by: z.enum(CONVERSATION_SORTS).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});

const CountsSchema = z.object({
  mine_count: z.number(),
  unassigned_count: z.number(),
  assigned_count: z.number(),
  all_count: z.number(),
});

const CreateBodySchema = z.object({
  inbox_id: z.number().int().positive(),
  source_id: z.string().min(1).max(200).optional(),
  contact_id: z.number().int().positive().optional(),
  status: z.enum(['open', 'pending']).optional(),
  assignee_id: z.number().int().positive().optional(),
  team_id: z.number().int().positive().optional(),
  custom_attributes: looseObject.optional(),
  additional_attributes: looseObject.optional(),
  message: z
    .object({
      content: z.string().max(10_000).optional(),
      template_params: ChatwootTemplateParamsSchema.optional(),
    })
    .optional(),
});

/** Chatwoot's conversation endpoints (ids are per-account display ids). */
export async function chatwootConversationsRoutes(
  app: FastifyInstance,
  deps: {
    views: ConversationViews;
    actions: ConversationActions;
    creator: ConversationCreator;
    outgoing: OutgoingMessagesService;
    access: InboxAccess;
  },
) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Conversas (compatível com Chatwoot)'];

  api.get(
    '/',
    {
      schema: {
        tags,
        summary: 'Listar conversas (status, atribuição, caixa, time, marcadores, busca, ordenação)',
        description:
          'Agentes veem só as conversas das caixas de entrada de que são membros; administradores veem todas. `q` busca por nome, telefone (com ou sem o 9º dígito) e texto das mensagens.',
        params: AccountParamsSchema,
        querystring: ListQuerySchema,
        response: {
          200: z.object({ data: z.object({ meta: CountsSchema, payload: z.array(looseObject) }) }),
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
        labels: [...(query.labels ?? []), ...(query['labels[]'] ?? [])],
        q: query.q,
        sortBy: query.sort_by,
        page: query.page,
        scope: await deps.access.scopeOf(request),
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
        querystring: ListQuerySchema.omit({ page: true, assignee_type: true, sort_by: true }),
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
        labels: [...(query.labels ?? []), ...(query['labels[]'] ?? [])],
        q: query.q,
        page: 1,
        scope: await deps.access.scopeOf(request),
      });
      return { meta };
    },
  );

  api.post(
    '/filter',
    {
      schema: {
        tags,
        summary: 'Filtrar conversas (filtro do Chatwoot: attribute_key, filter_operator, values, query_operator)',
        description:
          'Atributos: status, priority, assignee_id, inbox_id, team_id, contact_id, display_id, labels, created_at, last_activity_at, waiting_since e atributos personalizados da conversa. AND tem precedência sobre OR.',
        params: AccountParamsSchema,
        querystring: z.object({ page: z.coerce.number().int().min(1).max(10_000).default(1) }),
        body: FilterBodySchema,
        response: {
          200: z.object({ meta: CountsSchema, payload: z.array(looseObject) }),
          ...errorResponses(400, 401, 404, 422),
        },
      },
    },
    async (request) => {
      const where = conversationFilterCondition(request.body.payload);
      return deps.views.list(accountOf(request).id, principalOf(request).userId, {
        status: 'all',
        assigneeType: 'all',
        where,
        page: request.query.page,
        scope: await deps.access.scopeOf(request),
      });
    },
  );

  api.post(
    '/',
    {
      schema: {
        tags,
        summary: 'Criar conversa (por contact_id ou source_id), opcionalmente com a primeira mensagem',
        description:
          'Um contato tem uma conversa ativa por caixa de entrada: se já existir, ela é devolvida. Para iniciar uma conversa pelo WhatsApp a primeira mensagem precisa ser um modelo aprovado (template_params); texto livre recebe 422 window_closed e nada é criado.',
        params: AccountParamsSchema,
        body: CreateBodySchema,
        response: { 200: looseObject, ...errorResponses(400, 401, 404, 409, 422) },
      },
    },
    async (request) => {
      const body = request.body;
      const accountId = accountOf(request).id;
      const actor = { accountId, userId: principalOf(request).userId };
      const { conversation, created } = await deps.creator.create(actor, await deps.access.scopeOf(request), {
        inboxId: body.inbox_id,
        sourceId: body.source_id,
        contactId: body.contact_id,
        status: body.status,
        assigneeId: body.assignee_id,
        teamId: body.team_id,
        customAttributes: body.custom_attributes,
        additionalAttributes: body.additional_attributes,
      });
      const message = body.message;
      if (message && (message.content?.trim() || message.template_params)) {
        try {
          await deps.outgoing.create(actor, conversation.id, {
            content: message.content ?? null,
            template: message.template_params
              ? templateFromChatwoot(message.template_params, message.content ?? null)
              : null,
          });
        } catch (error) {
          // The first message was refused: the conversation opened for it must not linger empty.
          if (created) await deps.creator.discard(accountId, conversation.id);
          throw error;
        }
      }
      return conversationView(deps.views, accountId, conversation.display_id);
    },
  );

  api.get(
    '/:conversation_id',
    {
      schema: {
        tags,
        summary: 'Ver uma conversa',
        params: ConversationParamsSchema,
        response: { 200: looseObject, ...errorResponses(401, 404) },
      },
    },
    async (request) => conversationView(deps.views, accountOf(request).id, request.params.conversation_id),
  );

  api.patch(
    '/:conversation_id',
    {
      schema: {
        tags,
        summary: 'Atualizar prioridade e atributos da conversa',
        params: ConversationParamsSchema,
        body: z.object({
          priority: z.enum(['low', 'medium', 'high', 'urgent', 'none']).nullable().optional(),
          custom_attributes: looseObject.optional(),
          additional_attributes: looseObject.optional(),
          sla_policy_id: z.number().optional(),
        }),
        response: { 200: looseObject, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const { priority, custom_attributes, additional_attributes } = request.body;
      await deps.actions.update(actorOf(request), request.params.conversation_id, {
        priority: priority === 'none' ? null : priority,
        customAttributes: custom_attributes,
        additionalAttributes: additional_attributes,
      });
      return conversationView(deps.views, accountOf(request).id, request.params.conversation_id);
    },
  );
}
