import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { messageTemplatesRepo } from '../../channels/whatsapp/message-templates.repo.js';
import type { TemplateSync } from '../../channels/whatsapp/template-sync.js';
import { summariseTemplate, templateDefinition } from '../../channels/whatsapp/template-validation.js';
import type { Db } from '../../db/client.js';
import { accountOf, requireAdministrator } from '../../http/request-context.js';
import { errorResponses, idParam } from '../../http/schemas.js';
import type { InboxesRepo } from '../../inbox/inboxes.repo.js';
import { AppError, notFound } from '../../shared/errors.js';

const ParamsSchema = idParam('inbox_id');

const TemplateViewSchema = z
  .object({
    id: z.number(),
    name: z.string(),
    language: z.string(),
    status: z.string(),
    category: z.string().nullable(),
    parameter_format: z.string().nullable(),
    components: z.array(z.unknown()),
    parameters: z.object({
      format: z.enum(['POSITIONAL', 'NAMED']),
      header: z.object({ format: z.string(), parameters: z.array(z.string()) }).nullable(),
      body: z.array(z.string()),
      buttons: z.array(
        z.object({
          index: z.number(),
          type: z.string(),
          text: z.string().nullable(),
          parameter: z.enum(['required', 'optional', 'none']),
        }),
      ),
    }),
  })
  .meta({ id: 'MessageTemplate' });

/**
 * The inbox's WhatsApp message templates: Chatwoot's POST sync_templates, and a Santana listing that
 * says what each template needs when sent. Registered under /accounts/:account_id/inboxes.
 */
export async function inboxTemplatesRoutes(
  app: FastifyInstance,
  deps: { db: Db; inboxes: InboxesRepo; sync: TemplateSync },
) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Modelos do WhatsApp'];

  async function inboxOf(accountId: number, inboxId: number) {
    const inbox = await deps.inboxes.find(accountId, inboxId);
    if (!inbox) throw notFound('Caixa de entrada');
    return inbox;
  }

  api.get(
    '/:inbox_id/message_templates',
    {
      schema: {
        tags,
        summary: 'Modelos de mensagem da caixa de entrada (Santana)',
        description:
          'Os modelos como a Meta os descreveu na última sincronização, com o resumo dos parâmetros que cada um pede no envio.',
        params: ParamsSchema,
        response: {
          200: z.object({
            payload: z.array(TemplateViewSchema),
            synced_at: z.string().nullable(),
            sync_error: z.string().nullable(),
          }),
          ...errorResponses(400, 401, 404),
        },
      },
    },
    async (request) => {
      const accountId = accountOf(request).id;
      const inbox = await inboxOf(accountId, request.params.inbox_id);
      const rows = await messageTemplatesRepo.list(deps.db, accountId, inbox.id);
      return {
        payload: rows.map((row) => ({
          id: row.id,
          name: row.name,
          language: row.language,
          status: row.status,
          category: row.category,
          parameter_format: row.parameter_format,
          components: Array.isArray(row.components) ? row.components : [],
          parameters: summariseTemplate(templateDefinition(row)),
        })),
        synced_at: inbox.templates_synced_at?.toISOString() ?? null,
        sync_error: inbox.templates_sync_error,
      };
    },
  );

  api.post(
    '/:inbox_id/sync_templates',
    {
      preHandler: requireAdministrator,
      schema: {
        tags,
        summary: 'Sincronizar os modelos com a Meta (compatível com Chatwoot)',
        description:
          'Santana sincroniza na hora (o Chatwoot só enfileira): a resposta traz quantos modelos a caixa tem agora. ' +
          'Se a Meta recusar (ex.: token expirado), responde 422 com o motivo; se estiver fora do ar, 503.',
        params: ParamsSchema,
        response: {
          200: z.object({ message: z.string(), count: z.number(), synced_at: z.string().nullable() }),
          ...errorResponses(400, 401, 403, 404, 422, 503),
        },
      },
    },
    async (request) => {
      const accountId = accountOf(request).id;
      const inbox = await inboxOf(accountId, request.params.inbox_id);
      if (inbox.channel_type !== 'whatsapp_cloud') {
        throw new AppError('unprocessable', 'Só caixas de entrada do WhatsApp têm modelos de mensagem.');
      }
      const result = await deps.sync.syncInbox(inbox);
      if (!result.ok) throw new AppError(result.retryable ? 'unavailable' : 'unprocessable', result.reason);
      const synced = await deps.inboxes.find(accountId, inbox.id);
      return {
        message: `Modelos sincronizados: ${result.count}.`,
        count: result.count,
        synced_at: synced?.templates_synced_at?.toISOString() ?? null,
      };
    },
  );
}
