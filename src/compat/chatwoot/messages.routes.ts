import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ChatwootTemplateParamsSchema, templateFromChatwoot } from '../../channels/whatsapp/template-params.js';
import { accountOf, principalOf } from '../../http/request-context.js';
import { AccountParamsSchema, errorResponses } from '../../http/schemas.js';
import type { ConversationViews } from '../../inbox/conversation-views.js';
import type { OutgoingMessagesService } from '../../inbox/outgoing-messages.service.js';
import { AppError, notFound } from '../../shared/errors.js';

const ParamsSchema = AccountParamsSchema.extend({ conversation_id: z.coerce.number().int().positive() });
const loose = z.record(z.string(), z.unknown());

const InputSelectItemsSchema = z.array(z.object({ title: z.string().min(1), value: z.string().min(1) })).min(1);

const CreateMessageSchema = z.strictObject({
  content: z.string().max(10_000).optional(),
  message_type: z.enum(['outgoing', 'incoming']).default('outgoing'),
  private: z.boolean().default(false),
  content_type: z.enum(['text', 'input_select', 'cards', 'form', 'article', 'input_email']).default('text'),
  content_attributes: z
    .looseObject({
      in_reply_to: z.number().int().positive().optional(),
      items: InputSelectItemsSchema.optional(),
      interactive: z.unknown().optional(),
    })
    .default({}),
  template_params: ChatwootTemplateParamsSchema.optional(),
  campaign_id: z.number().optional(),
  echo_id: z.string().optional(),
});

/**
 * Chatwoot's `input_select` (items) becomes WhatsApp reply buttons (up to 3) or a list (up to 10):
 * scripts written for Chatwoot keep working.
 */
function interactiveFromItems(content: string | undefined, items: Array<{ title: string; value: string }>) {
  const body = content?.trim() || 'Escolha uma opção:';
  if (items.length <= 3)
    return { type: 'button', body, buttons: items.map((item) => ({ id: item.value, title: item.title })) };
  return {
    type: 'list',
    body,
    button: 'Opções',
    sections: [{ rows: items.map((item) => ({ id: item.value, title: item.title })) }],
  };
}

export async function chatwootMessagesRoutes(
  app: FastifyInstance,
  deps: { views: ConversationViews; outgoing: OutgoingMessagesService },
) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Mensagens (compatível com Chatwoot)'];

  api.get(
    '/',
    {
      schema: {
        tags,
        summary: 'Mensagens da conversa (20 por página; before/after = id de mensagem)',
        params: ParamsSchema,
        querystring: z.object({
          before: z.coerce.number().int().positive().optional(),
          after: z.coerce.number().int().positive().optional(),
        }),
        response: { 200: z.object({ meta: loose, payload: z.array(loose) }), ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const accountId = accountOf(request).id;
      const conversation = await deps.views.findByDisplayId(accountId, request.params.conversation_id);
      if (!conversation) throw notFound('Conversa');
      const [view] = await deps.views.conversationViews(accountId, [conversation]);
      if (!view) throw notFound('Conversa');
      const payload = await deps.views.messages(accountId, conversation, request.query);
      return {
        meta: {
          labels: view.labels,
          additional_attributes: conversation.additional_attributes,
          contact: view.meta.sender,
          assignee: view.meta.assignee,
          agent_last_seen_at: conversation.agent_last_seen_at?.toISOString() ?? null,
          // Santana: whether free text can be sent now, and until when.
          can_reply: view.can_reply,
          window_closes_at: view.window_closes_at,
        },
        payload,
      };
    },
  );

  api.post(
    '/',
    {
      schema: {
        tags,
        summary: 'Enviar mensagem (texto, nota privada, botões/lista, modelo com template_params)',
        description:
          'Fora da janela de 24 horas só modelos aprovados são aceitos: texto livre recebe 422 window_closed. Botões seguem os limites da Meta (1–3, até 20 caracteres).',
        params: ParamsSchema,
        body: CreateMessageSchema,
        response: { 200: loose, ...errorResponses(400, 401, 404, 409, 422) },
      },
    },
    async (request) => {
      const accountId = accountOf(request).id;
      const body = request.body;
      if (body.message_type === 'incoming') {
        throw new AppError(
          'unprocessable',
          'Mensagens recebidas chegam pelo WhatsApp; pela API só se envia (outgoing).',
          [{ field: 'message_type', message: 'use outgoing' }],
        );
      }
      const conversation = await deps.views.findByDisplayId(accountId, request.params.conversation_id);
      if (!conversation) throw notFound('Conversa');
      const attributes = body.content_attributes;
      const interactive =
        body.content_type === 'input_select' && attributes.items
          ? interactiveFromItems(body.content, attributes.items)
          : attributes.interactive;
      const message = await deps.outgoing.create({ accountId, userId: principalOf(request).userId }, conversation.id, {
        content: body.content ?? null,
        private: body.private,
        interactive,
        template: body.template_params ? templateFromChatwoot(body.template_params, body.content ?? null) : null,
        inReplyToId: attributes.in_reply_to ?? null,
      });
      const [view] = await deps.views.messageViews(
        accountId,
        [message],
        new Map([[conversation.id, conversation.display_id]]),
      );
      return view;
    },
  );
}
