import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import type { Logger } from '../../shared/logger.js';
import { verifyTwilioSignature } from './drivers/twilio-signature.js';
import type { SmsCallbackUrls } from './sms-callback-urls.js';
import type { SmsStatusUpdate } from './sms-provider.js';
import type { SmsSettingsService } from './sms-settings.service.js';
import type { SmsStatusService } from './sms-status.service.js';

const FORM_BODY_LIMIT = 64 * 1024;

const AccountParamsSchema = z.object({ account_id: z.coerce.number().int().positive() });

// Twilio's status callback (form-encoded); it may add fields at any time, so only these are read.
const TwilioCallbackSchema = z.object({
  MessageSid: z.string().min(1),
  MessageStatus: z.string().min(1),
  ErrorCode: z.string().optional(),
});

// Zenvia's MESSAGE_STATUS event: {id, timestamp, type, subscriptionId, channel, messageId, messageStatus}.
const ZenviaEventSchema = z.looseObject({
  type: z.string(),
  messageId: z.string().optional(),
  messageStatus: z
    .looseObject({
      code: z.string(),
      description: z.string().optional(),
      causes: z
        .array(
          z.looseObject({
            channelErrorCode: z.string().optional(),
            reason: z.string().optional(),
            details: z.string().optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});

const TWILIO_STATUSES: Record<string, SmsStatusUpdate['status']> = {
  sent: 'sent',
  delivered: 'delivered',
  undelivered: 'failed',
  failed: 'failed',
};
const ZENVIA_STATUSES: Record<string, SmsStatusUpdate['status']> = {
  SENT: 'sent',
  DELIVERED: 'delivered',
  NOT_DELIVERED: 'failed',
  REJECTED: 'failed',
};

const unauthorized = (reply: FastifyReply, message: string) => reply.code(401).send({ error: 'unauthorized', message });

/**
 * Status callbacks of the SMS gateways. Twilio's are verified with X-Twilio-Signature against the
 * account's auth token and the public (FRONTEND_URL) URL; Zenvia's carry the account's callback token.
 * Anything unverified is refused with 401 and changes nothing; an id we never sent is acknowledged
 * (200) so the gateway stops retrying, and logged once.
 */
export async function smsWebhookRoutes(
  app: FastifyInstance,
  deps: { settings: SmsSettingsService; status: SmsStatusService; urls: SmsCallbackUrls; logger: Logger },
) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Webhooks de SMS'];
  const unknownLogged = new LRUCache<string, true>({ max: 10_000 });

  // Twilio posts application/x-www-form-urlencoded; the signature covers the decoded parameters.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
    (_request, body, done) => done(null, new URLSearchParams(body as string)),
  );

  async function apply(accountId: number, update: SmsStatusUpdate) {
    const outcome = await deps.status.apply(accountId, update);
    const key = `${update.provider}:${update.providerId}`;
    if (outcome === 'pending' && !unknownLogged.has(key)) {
      unknownLogged.set(key, true);
      deps.logger.info(
        { accountId, provider: update.provider, providerId: update.providerId },
        'SMS status for a message not stored (yet) kept pending',
      );
    }
  }

  api.post(
    '/twilio/:account_id',
    {
      schema: {
        tags,
        summary: 'Status de um SMS enviado pelo Twilio (assinado com X-Twilio-Signature)',
        params: AccountParamsSchema,
        consumes: ['application/x-www-form-urlencoded'],
      },
    },
    async (request, reply) => {
      const accountId = request.params.account_id;
      const params = request.body instanceof URLSearchParams ? request.body : new URLSearchParams();
      const settings = await deps.settings.resolve(accountId);
      const signature = request.headers['x-twilio-signature'];
      const valid =
        settings?.provider === 'twilio' &&
        verifyTwilioSignature(
          settings.credentials.auth_token,
          deps.urls.publicUrl(request.url),
          params,
          typeof signature === 'string' ? signature : undefined,
        );
      if (!valid) return unauthorized(reply, 'Assinatura do Twilio ausente ou inválida.');
      const callback = TwilioCallbackSchema.safeParse(Object.fromEntries(params));
      const status = callback.success ? TWILIO_STATUSES[callback.data.MessageStatus] : undefined;
      // Intermediate statuses (queued, sending, accepted…) change nothing here.
      if (callback.success && status) {
        await apply(accountId, {
          provider: 'twilio',
          providerId: callback.data.MessageSid,
          status,
          errorCode: callback.data.ErrorCode || null,
        });
      }
      return reply.code(200).type('text/plain; charset=utf-8').send('');
    },
  );

  api.post(
    '/zenvia/:account_id',
    {
      schema: {
        tags,
        summary: 'Status de um SMS enviado pela Zenvia (assinatura MESSAGE_STATUS com o token da conta)',
        params: AccountParamsSchema,
        querystring: z.object({ token: z.string().max(200).optional() }),
      },
    },
    async (request, reply) => {
      const accountId = request.params.account_id;
      if (!deps.urls.zenviaTokenMatches(accountId, request.query.token)) {
        return unauthorized(reply, 'Token do webhook da Zenvia ausente ou inválido.');
      }
      const event = ZenviaEventSchema.safeParse(request.body);
      if (!event.success) {
        return reply.code(400).send({ error: 'validation_failed', message: 'Evento da Zenvia em formato inesperado.' });
      }
      const { messageId, messageStatus } = event.data;
      const status = messageStatus ? ZENVIA_STATUSES[messageStatus.code] : undefined;
      if (event.data.type === 'MESSAGE_STATUS' && messageId && messageStatus && status) {
        const cause = messageStatus.causes?.[0];
        await apply(accountId, {
          provider: 'zenvia',
          providerId: messageId,
          status,
          errorCode: status === 'failed' ? (cause?.channelErrorCode ?? messageStatus.code) : null,
          providerReason: cause?.reason ?? cause?.details ?? messageStatus.description ?? null,
        });
      }
      return reply.code(200).send({ ok: true });
    },
  );
}
