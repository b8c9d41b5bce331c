import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { WEBHOOK_EVENTS } from '../../automation/webhooks/webhook-events.js';
import type { WebhooksService } from '../../automation/webhooks/webhooks.service.js';
import { accountOf, principalOf, requireAdministrator } from '../../http/request-context.js';
import { AccountParamsSchema, errorResponses, idParam, PageQuerySchema } from '../../http/schemas.js';

const WebhookSchema = z
  .object({
    id: z.number(),
    account_id: z.number(),
    name: z.string(),
    url: z.string(),
    subscriptions: z.array(z.string()),
    inbox_id: z.number().nullable(),
    inbox: z.object({ id: z.number(), name: z.string() }).nullable(),
    secret: z.string().meta({ description: 'Chave do HMAC em X-Chatwoot-Signature' }),
  })
  .meta({ id: 'Webhook' });

const DeliverySchema = z
  .object({
    id: z.number(),
    delivery_id: z.string().meta({ description: 'Enviado em X-Chatwoot-Delivery, igual em cada tentativa' }),
    event: z.string(),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number(),
    response_status: z.number().nullable(),
    response_body: z.string().nullable(),
    error: z.string().nullable(),
    created_at: z.string(),
    last_attempt_at: z.string().nullable(),
    delivered_at: z.string().nullable(),
  })
  .meta({ id: 'WebhookDelivery' });

// Event names and the URL's scheme are checked by the service, which answers 422 with a readable message.
const subscriptions = z
  .array(z.string().max(100))
  .max(50)
  .meta({ description: `Eventos: ${WEBHOOK_EVENTS.join(', ')}` });
const CreateWebhookSchema = z.strictObject({
  url: z.string().max(4096),
  subscriptions: subscriptions.optional(),
  name: z.string().max(255).nullable().optional(),
  inbox_id: z.number().int().positive().nullable().optional(),
});
const UpdateWebhookSchema = CreateWebhookSchema.partial();

const WebhookParamsSchema = idParam('webhook_id');
const DeliveryParamsSchema = WebhookParamsSchema.extend({ delivery_id: z.uuid({ error: 'delivery_id inválido' }) });

export async function chatwootWebhooksRoutes(app: FastifyInstance, deps: { webhooks: WebhooksService }) {
  const { webhooks } = deps;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Webhooks (compatível com Chatwoot)'];
  const actorOf = (request: FastifyRequest) => ({
    accountId: accountOf(request).id,
    userId: principalOf(request).userId,
    ip: request.ip,
  });
  const one = { 200: z.object({ payload: z.object({ webhook: WebhookSchema }) }) };

  api.get(
    '/',
    {
      preHandler: requireAdministrator,
      schema: {
        tags,
        summary: 'Listar webhooks da conta (administradores)',
        params: AccountParamsSchema,
        response: {
          200: z.object({ payload: z.object({ webhooks: z.array(WebhookSchema) }) }),
          ...errorResponses(401, 403, 404),
        },
      },
    },
    async (request) => ({ payload: { webhooks: await webhooks.list(accountOf(request).id) } }),
  );

  api.post(
    '/',
    {
      preHandler: requireAdministrator,
      schema: {
        tags,
        summary: 'Criar webhook (administradores)',
        params: AccountParamsSchema,
        body: CreateWebhookSchema,
        response: { ...one, ...errorResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) => ({ payload: { webhook: await webhooks.create(actorOf(request), request.body) } }),
  );

  for (const method of ['patch', 'put'] as const) {
    api[method](
      '/:webhook_id',
      {
        preHandler: requireAdministrator,
        schema: {
          tags,
          summary: 'Alterar webhook (administradores)',
          params: WebhookParamsSchema,
          body: UpdateWebhookSchema,
          response: { ...one, ...errorResponses(400, 401, 403, 404, 422) },
        },
      },
      async (request) => ({
        payload: { webhook: await webhooks.update(actorOf(request), request.params.webhook_id, request.body) },
      }),
    );
  }

  api.delete(
    '/:webhook_id',
    {
      preHandler: requireAdministrator,
      schema: {
        tags,
        summary: 'Remover webhook (administradores)',
        params: WebhookParamsSchema,
        response: { 200: z.object({}), ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => {
      await webhooks.remove(actorOf(request), request.params.webhook_id);
      return {};
    },
  );

  api.get(
    '/:webhook_id/deliveries',
    {
      preHandler: requireAdministrator,
      schema: {
        tags,
        summary: 'Santana: registro de entregas do webhook (25 por página, mais recentes primeiro)',
        params: WebhookParamsSchema,
        querystring: PageQuerySchema,
        response: {
          200: z.object({ meta: z.object({ current_page: z.number() }), payload: z.array(DeliverySchema) }),
          ...errorResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => ({
      meta: { current_page: request.query.page },
      payload: await webhooks.deliveries(accountOf(request).id, request.params.webhook_id, request.query.page),
    }),
  );

  api.post(
    '/:webhook_id/deliveries/:delivery_id/redeliver',
    {
      preHandler: requireAdministrator,
      schema: {
        tags,
        summary: 'Santana: reenviar uma entrega com falha (mesmo X-Chatwoot-Delivery)',
        params: DeliveryParamsSchema,
        response: { 200: z.object({ payload: DeliverySchema }), ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => ({
      payload: await webhooks.redeliver(accountOf(request).id, request.params.webhook_id, request.params.delivery_id),
    }),
  );
}
