import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { InboxAutomationInputSchema, InboxAutomationViewSchema } from '../../automation/inbox-hours/inbox-settings.js';
import type { Inbox } from '../../db/schema.js';
import { accountOf, requireAdministrator } from '../../http/request-context.js';
import { AccountParamsSchema, errorResponses, idParam } from '../../http/schemas.js';
import type { InboxAdminService } from '../../inbox/inbox-admin.service.js';
import { actorOf, viewerOf } from './request-actor.js';
import { inboxWebhookUrl, serializeInbox } from './serializers.js';

const nullableNumber = z.number().nullable();

const InboxSchema = z
  .object({
    id: z.number(),
    account_id: z.number(),
    channel_id: z.number(),
    name: z.string(),
    channel_type: z.string().meta({ description: 'Channel::Whatsapp ou Channel::Api' }),
    provider: z.string().nullable(),
    phone_number: z.string().nullable(),
    avatar_url: z.string(),
    enable_auto_assignment: z.boolean(),
    ...InboxAutomationViewSchema.shape,
    provider_config: z
      .object({
        phone_number_id: z.string().nullable(),
        business_account_id: z.string().nullable(),
        webhook_verify_token: z.string().nullable().optional().meta({
          description: 'Somente para administradores: cole no app da Meta junto com webhook_url.',
        }),
      })
      .nullable()
      .meta({ description: 'Nunca traz api_key nem app_secret.' }),
    webhook_url: z.string().nullable().meta({ description: 'Santana: URL de callback para configurar na Meta' }),
    reauthorization_required: z.boolean(),
    reauthorization_required_at: nullableNumber,
    reauthorization_reason: z.string().nullable(),
    templates_synced_at: nullableNumber,
    templates_sync_error: z.string().nullable(),
    created_at: nullableNumber,
  })
  .meta({ id: 'ChatwootInbox' });

const NameSchema = z.string().trim().min(1, { error: 'informe o nome' }).max(200);
const PhoneSchema = z
  .string()
  .trim()
  .regex(/^\+?[\d\s().-]{8,25}$/, { error: 'telefone em formato E.164, ex.: +5511987654321' })
  .refine((phone) => phone.replace(/\D/g, '').length >= 8 && phone.replace(/\D/g, '').length <= 15, {
    error: 'o telefone deve ter de 8 a 15 dígitos',
  });
const MetaIdSchema = z
  .string()
  .trim()
  .regex(/^[\w-]{1,64}$/, { error: 'id da Meta inválido' });
const SecretSchema = z.string().trim().min(1, { error: 'não pode ser vazio' }).max(2000);

const ProviderConfigSchema = z.strictObject({
  api_key: SecretSchema.meta({ description: 'Token de acesso da Graph API (permanente, de usuário do sistema)' }),
  phone_number_id: MetaIdSchema,
  business_account_id: MetaIdSchema,
  app_secret: SecretSchema.meta({
    description: 'Santana: o App Secret do app da Meta; verifica a assinatura X-Hub-Signature-256 de cada webhook',
  }),
  webhook_verify_token: z.string().trim().min(1).max(200).optional().meta({
    description: 'Opcional: sem ele, o Santana gera um e o devolve em provider_config.webhook_verify_token',
  }),
});

const CreateInboxSchema = z.strictObject({
  name: NameSchema,
  enable_auto_assignment: z.boolean().optional(),
  ...InboxAutomationInputSchema.shape,
  channel: z.discriminatedUnion(
    'type',
    [
      z.strictObject({
        type: z.literal('whatsapp'),
        provider: z
          .literal('whatsapp_cloud', { error: 'provedor não suportado: use whatsapp_cloud' })
          .default('whatsapp_cloud'),
        phone_number: PhoneSchema,
        provider_config: ProviderConfigSchema,
      }),
      z.strictObject({ type: z.literal('api') }),
    ],
    { error: 'canal não suportado: use whatsapp (Cloud API) ou api' },
  ),
});

const UpdateInboxSchema = z.strictObject({
  name: NameSchema.optional(),
  enable_auto_assignment: z.boolean().optional(),
  ...InboxAutomationInputSchema.shape,
  channel: z
    .strictObject({
      phone_number: PhoneSchema.optional(),
      provider_config: ProviderConfigSchema.partial().optional(),
    })
    .optional()
    .meta({ description: 'Um api_key novo limpa o aviso de reautorização.' }),
});

const InboxParamsSchema = idParam('inbox_id');

/** Chatwoot's inboxes. The template routes (/:id/sync_templates, /:id/message_templates) live elsewhere. */
export async function chatwootInboxesRoutes(
  app: FastifyInstance,
  deps: {
    inboxAdmin: InboxAdminService;
    frontendUrl: string;
    /** APP_TIMEZONE, shown when an inbox has none. */
    timeZone: string;
  },
) {
  const { inboxAdmin } = deps;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Caixas de entrada (compatível com Chatwoot)'];
  const present = (request: FastifyRequest, inbox: Inbox) =>
    serializeInbox(inbox, {
      webhookUrl: inboxWebhookUrl(deps.frontendUrl, inbox),
      timeZone: deps.timeZone,
      ...(accountOf(request).role === 'administrator' ? { verifyToken: inboxAdmin.verifyTokenOf(inbox) } : {}),
    });

  api.get(
    '/',
    {
      schema: {
        tags,
        summary: 'Listar caixas de entrada (agentes veem só as suas)',
        params: AccountParamsSchema,
        response: { 200: z.object({ payload: z.array(InboxSchema) }), ...errorResponses(401, 404) },
      },
    },
    async (request) => {
      const inboxes = await inboxAdmin.list(accountOf(request).id, viewerOf(request));
      return { payload: inboxes.map((inbox) => present(request, inbox)) };
    },
  );

  api.get(
    '/:inbox_id',
    {
      schema: {
        tags,
        summary: 'Ver uma caixa de entrada',
        params: InboxParamsSchema,
        response: { 200: InboxSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) =>
      present(request, await inboxAdmin.get(accountOf(request).id, request.params.inbox_id, viewerOf(request))),
  );

  api.post(
    '/',
    {
      preHandler: requireAdministrator,
      schema: {
        tags,
        summary: 'Criar caixa de entrada do WhatsApp Cloud ou API (administradores)',
        description:
          'As credenciais (api_key, app_secret, webhook_verify_token) são guardadas cifradas e nunca devolvidas. ' +
          'Configure na Meta a webhook_url e o provider_config.webhook_verify_token da resposta.',
        params: AccountParamsSchema,
        body: CreateInboxSchema,
        response: { 200: InboxSchema, ...errorResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) => present(request, await inboxAdmin.create(actorOf(request), request.body)),
  );

  api.patch(
    '/:inbox_id',
    {
      preHandler: requireAdministrator,
      schema: {
        tags,
        summary:
          'Alterar nome, atribuição automática, credenciais, horário de atendimento ou saudação (administradores)',
        params: InboxParamsSchema,
        body: UpdateInboxSchema,
        response: { 200: InboxSchema, ...errorResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) =>
      present(request, await inboxAdmin.update(actorOf(request), request.params.inbox_id, request.body)),
  );

  api.delete(
    '/:inbox_id',
    {
      preHandler: requireAdministrator,
      schema: {
        tags,
        summary: 'Excluir uma caixa de entrada e suas conversas (administradores)',
        params: InboxParamsSchema,
        response: { 200: z.object({ message: z.string() }), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      await inboxAdmin.remove(actorOf(request), request.params.inbox_id);
      return { message: 'Caixa de entrada excluída.' };
    },
  );
}
