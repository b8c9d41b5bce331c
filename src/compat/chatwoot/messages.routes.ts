import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ChatwootTemplateParamsSchema, templateFromChatwoot } from '../../channels/whatsapp/template-params.js';
import type { Conversation, Message } from '../../db/schema.js';
import { accountOf, principalOf } from '../../http/request-context.js';
import { AccountParamsSchema, errorResponses } from '../../http/schemas.js';
import { discardAttachments, MESSAGE_FORM_LIMITS, readMessageForm } from '../../inbox/attachment-form.js';
import type { ReceivedAttachment } from '../../inbox/attachment-intake.js';
import type { ConversationViews } from '../../inbox/conversation-views.js';
import type { MessageActions } from '../../inbox/message-actions.service.js';
import type { OutgoingAttachmentsService } from '../../inbox/outgoing-attachments.service.js';
import type { OutgoingMessagesService } from '../../inbox/outgoing-messages.service.js';
import { AppError, notFound } from '../../shared/errors.js';
import type { MediaStorage } from '../../shared/media-storage.js';

const ParamsSchema = AccountParamsSchema.extend({ conversation_id: z.coerce.number().int().positive() });
const MessageParamsSchema = ParamsSchema.extend({ message_id: z.coerce.number().int().positive() });
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
type CreateMessage = z.infer<typeof CreateMessageSchema>;

const ReactionSchema = z.strictObject({
  emoji: z
    .string()
    .max(32)
    .refine(
      (emoji) =>
        emoji === '' || (/\p{Extended_Pictographic}|\p{Regional_Indicator}/u.test(emoji) && !/[\p{L}\s]/u.test(emoji)),
      {
        error: 'um emoji (ou vazio para remover a reação)',
      },
    ),
});

/** The same `{error, message, details}` a JSON body gets when a form field is invalid. */
function formInvalid(error: z.ZodError): AppError {
  const details = error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: [...issue.path, key].join('.'), message: 'campo desconhecido' }))
      : [{ field: issue.path.join('.') || 'body', message: issue.message }],
  );
  return new AppError(
    'validation_failed',
    `Dados inválidos: ${[...new Set(details.map((detail) => detail.field))].join(', ')}.`,
    details,
  );
}

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
  deps: {
    views: ConversationViews;
    outgoing: OutgoingMessagesService;
    attachments: OutgoingAttachmentsService;
    actions: MessageActions;
    storage: MediaStorage;
  },
) {
  // Multipart only here (files stream to storage, never buffered); the JSON body limit stays 1 MiB.
  await app.register(fastifyMultipart, { limits: MESSAGE_FORM_LIMITS });
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Mensagens (compatível com Chatwoot)'];

  async function conversationOf(request: FastifyRequest, displayId: number): Promise<Conversation> {
    const conversation = await deps.views.findByDisplayId(accountOf(request).id, displayId);
    if (!conversation) throw notFound('Conversa');
    return conversation;
  }

  async function viewsOf(accountId: number, conversation: Conversation, messages: Message[]) {
    return deps.views.messageViews(accountId, messages, new Map([[conversation.id, conversation.display_id]]));
  }

  /** Text, buttons or a template (no files): the JSON path, also reached by a form without files. */
  async function createMessage(request: FastifyRequest, conversation: Conversation, body: CreateMessage) {
    const accountId = accountOf(request).id;
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
    const [view] = await viewsOf(accountId, conversation, [message]);
    return view;
  }

  async function createWithFiles(
    request: FastifyRequest,
    conversation: Conversation,
    body: CreateMessage,
    files: ReceivedAttachment[],
  ) {
    if (body.template_params || body.content_type !== 'text' || body.content_attributes.interactive) {
      throw new AppError('unprocessable', 'Anexos vão com texto simples: modelos e botões não levam arquivos.', [
        { field: 'attachments[]', message: 'só com content_type text' },
      ]);
    }
    const accountId = accountOf(request).id;
    const messages = await deps.attachments.send(
      { accountId, userId: principalOf(request).userId },
      conversation.id,
      {
        content: body.content ?? null,
        private: body.private,
        inReplyToId: body.content_attributes.in_reply_to ?? null,
      },
      files,
    );
    const [first, ...linked] = await viewsOf(accountId, conversation, messages);
    return { ...first, linked_messages: linked };
  }

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
        summary: 'Enviar mensagem (texto, anexos, nota privada, botões/lista, modelo com template_params)',
        description: [
          'JSON, ou multipart/form-data como o Chatwoot: campos content, private, message_type, content_attributes (JSON em texto), echo_id e os arquivos em attachments[] (até 10).',
          'O tipo de cada arquivo vem dos bytes, não do nome: imagem JPEG/PNG (até 5 MB), áudio AAC/AMR/MP3/M4A/OGG Opus e vídeo MP4/3GP (até 16 MB), figurinha WebP (até 500 KB), documento PDF/Office/texto (até 100 MB); outro tipo recebe 415, grande demais 413.',
          'Cada arquivo vira uma mensagem do WhatsApp, enviadas em ordem e ligadas por content_attributes.media_group; a resposta é a primeira, com as demais em linked_messages. O texto vira a legenda da primeira imagem, vídeo ou documento; com só áudio ou figurinha (que não têm legenda) ele segue numa mensagem à parte.',
          'Fora da janela de 24 horas só modelos aprovados são aceitos: texto livre e anexos recebem 422 window_closed. Botões seguem os limites da Meta (1–3, até 20 caracteres).',
        ].join(' '),
        consumes: ['application/json', 'multipart/form-data'],
        params: ParamsSchema,
        // Optional only for multipart, whose fields are validated with the same schema after the files.
        body: CreateMessageSchema.nullish(),
        response: { 200: loose, ...errorResponses(400, 401, 404, 409, 413, 415, 422) },
      },
    },
    async (request) => {
      const conversation = await conversationOf(request, request.params.conversation_id);
      if (!request.isMultipart()) {
        const body = request.body;
        if (!body)
          throw formInvalid(new z.ZodError([{ code: 'custom', path: [], message: 'obrigatório', input: body }]));
        refuseIncoming(body);
        return createMessage(request, conversation, body);
      }
      const form = await readMessageForm(request.parts(), deps.storage, accountOf(request).id);
      try {
        const parsed = CreateMessageSchema.safeParse(form.fields);
        if (!parsed.success) throw formInvalid(parsed.error);
        refuseIncoming(parsed.data);
        if (form.files.length === 0) return await createMessage(request, conversation, parsed.data);
        return await createWithFiles(request, conversation, parsed.data, form.files);
      } catch (error) {
        // Nothing stays in storage for a message that was not created.
        await discardAttachments(deps.storage, form.files);
        throw error;
      }
    },
  );

  api.post(
    '/:message_id/reactions',
    {
      schema: {
        tags,
        summary: 'Reagir a uma mensagem com um emoji (Santana)',
        description:
          'Uma reação por agente por mensagem: uma nova substitui a anterior, emoji vazio ("") remove. Vai para o WhatsApp como reação da empresa à mensagem (que precisa ter wamid: 422 se ainda não tem). No WhatsApp a empresa tem uma reação por mensagem: vale a mais recente entre os agentes. Fora da janela de 24 horas: 422 window_closed.',
        params: MessageParamsSchema,
        body: ReactionSchema,
        response: { 200: loose, ...errorResponses(400, 401, 404, 422) },
      },
    },
    async (request) => {
      const conversation = await conversationOf(request, request.params.conversation_id);
      const actor = { accountId: accountOf(request).id, userId: principalOf(request).userId };
      const message = await deps.actions.react(
        actor,
        conversation.display_id,
        request.params.message_id,
        request.body.emoji,
      );
      const [view] = await viewsOf(actor.accountId, conversation, [message]);
      return view;
    },
  );

  api.delete(
    '/:message_id',
    {
      schema: {
        tags,
        summary: 'Apagar uma mensagem',
        description:
          'Como no Chatwoot, a mensagem fica na conversa marcada como apagada (content_attributes.deleted = true, texto "Esta mensagem foi apagada") e os anexos são removidos; uma mensagem ainda na fila não é mais enviada. A API do WhatsApp Cloud não permite apagar para o cliente uma mensagem já enviada: no telefone dele ela continua.',
        params: MessageParamsSchema,
        response: { 200: loose, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const conversation = await conversationOf(request, request.params.conversation_id);
      const actor = { accountId: accountOf(request).id, userId: principalOf(request).userId };
      const message = await deps.actions.softDelete(actor, conversation.display_id, request.params.message_id);
      const [view] = await viewsOf(actor.accountId, conversation, [message]);
      return view;
    },
  );
}

function refuseIncoming(body: CreateMessage) {
  if (body.message_type === 'incoming') {
    throw new AppError('unprocessable', 'Mensagens recebidas chegam pelo WhatsApp; pela API só se envia (outgoing).', [
      { field: 'message_type', message: 'use outgoing' },
    ]);
  }
}
