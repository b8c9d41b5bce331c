import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import type { Inbox } from '../../db/schema.js';
import { lazyChildLoggerFactory } from '../../http/lazy-child-logger.js';
import { errorResponses } from '../../http/schemas.js';
import { openCredentials, type WhatsAppCredentials } from '../../inbox/inbox-credentials.js';
import type { InboxesRepo } from '../../inbox/inboxes.repo.js';
import type { JobSystem } from '../../jobs/job-system.js';
import type { SecretBox } from '../../shared/crypto.js';
import { safeEqual, sha256Hex } from '../../shared/crypto.js';
import { AppError } from '../../shared/errors.js';
import { createInboxLookup } from './inbox-lookup.js';
import { phoneNumbersIn, WebhookEnvelopeSchema } from './webhook-envelope.js';
import { createWebhookIntake } from './webhook-intake.js';
import { verifyHubSignature } from './webhook-signature.js';

/** Meta batches updates; 1 MiB holds hundreds of them. Bigger bodies get 413. */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;

const HandshakeQuerySchema = z.object({
  'hub.mode': z.string().optional(),
  'hub.verify_token': z.string().optional(),
  'hub.challenge': z.string().max(500).optional(),
});

const RECEIVED = JSON.stringify({ received: true });

const PathSchema = z.object({ phone_number: z.string().max(30).optional() });

/**
 * Meta's webhook endpoint: the verification handshake (GET) and deliveries (POST). A delivery is
 * answered 200 only once its raw body is committed with the job that will process it; a database
 * outage answers 503 so Meta retries (for up to 7 days).
 */
export async function whatsappWebhookRoutes(
  app: FastifyInstance,
  deps: { db: Db; inboxes: InboxesRepo; box: SecretBox; jobs: JobSystem },
) {
  const unroutableLogged = new Set<string>();
  const intake = createWebhookIntake(deps);
  // Every delivery needs its inbox: remembered for a few seconds instead of one query each.
  const inboxByPhoneNumberId = createInboxLookup({ load: (id) => deps.inboxes.findByPhoneNumberId(id) });
  const api = app.withTypeProvider<ZodTypeProvider>();

  // Signatures are computed over the exact bytes: keep the body as a Buffer in this scope.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT },
    (_request, body, done) => done(null, body),
  );

  const digits = (value: string) => value.replace(/\D/g, '');
  // Opened once per inbox row read: the lookup hands out the same row for a few seconds, and decrypting
  // its credentials for every delivery was a measurable share of the accept path.
  const opened = new WeakMap<Inbox, WhatsAppCredentials | null>();
  const credentialsOf = (inbox: Inbox) => {
    if (!opened.has(inbox)) opened.set(inbox, openCredentials(deps.box, inbox));
    return opened.get(inbox) ?? null;
  };

  async function pathInbox(request: FastifyRequest): Promise<Inbox | null | undefined> {
    const phone = (request.params as { phone_number?: string }).phone_number;
    if (phone === undefined) return undefined;
    return (
      (await deps.inboxes.findByPhoneNumber(digits(phone))) ?? (await deps.inboxes.findByPhoneNumberId(phone)) ?? null
    );
  }

  const handshake = async (request: FastifyRequest, reply: import('fastify').FastifyReply) => {
    const query = HandshakeQuerySchema.parse(request.query);
    const token = query['hub.verify_token'] ?? '';
    const scoped = await pathInbox(request);
    const candidates = scoped ? [scoped] : scoped === null ? [] : await deps.inboxes.listWhatsApp();
    const matches = candidates.some((inbox) => {
      const expected = credentialsOf(inbox)?.verify_token;
      return expected !== undefined && safeEqual(expected, token);
    });
    if (query['hub.mode'] !== 'subscribe' || !matches) {
      return reply.code(403).send({ error: 'forbidden', message: 'Token de verificação inválido.' });
    }
    return reply.type('text/plain; charset=utf-8').send(query['hub.challenge'] ?? '');
  };

  const receive = async (request: FastifyRequest, reply: import('fastify').FastifyReply) => {
    const body = request.body;
    if (!Buffer.isBuffer(body) || body.length === 0) {
      throw new AppError('bad_request', 'Corpo vazio: envie o JSON do webhook do WhatsApp.');
    }
    const text = body.toString('utf8');
    let json: unknown;
    try {
      // Only routed and checked here; the job strips NUL characters from what it stores (parseJsonWithoutNul).
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const envelope = WebhookEnvelopeSchema.safeParse(json);
    const numbers = envelope.success ? phoneNumbersIn(envelope.data) : [];
    const scoped = await pathInbox(request);
    const signature = request.headers['x-hub-signature-256'] as string | undefined;
    const routeTo = async () => {
      let found: Inbox | null = scoped ?? null;
      for (const number of numbers) {
        if (found) break;
        found = await inboxByPhoneNumberId.get(number.phoneNumberId);
      }
      return found;
    };
    // The secret of the inbox it is for; a payload for an unknown number must still be signed by one of ours.
    const signedFor = async (candidate: Inbox | null) =>
      verifyHubSignature(
        body,
        signature,
        (candidate ? [candidate] : await deps.inboxes.listWhatsApp())
          .map((one) => credentialsOf(one)?.app_secret)
          .filter((secret): secret is string => Boolean(secret)),
      );
    let inbox = await routeTo();
    let signed = await signedFor(inbox);
    if (!signed && inbox && !scoped) {
      // The remembered inbox may be a few seconds old (its secret or number just changed): look again.
      for (const number of numbers) inboxByPhoneNumberId.forget(number.phoneNumberId);
      inbox = await routeTo();
      signed = await signedFor(inbox);
    }
    if (!signed) {
      throw new AppError('unauthorized', 'Assinatura X-Hub-Signature-256 ausente ou inválida.');
    }
    if (json === undefined) throw new AppError('invalid_json', 'O corpo do webhook não é um JSON válido.');
    if (!envelope.success || envelope.data.object !== 'whatsapp_business_account') {
      throw new AppError('unprocessable', 'Este JSON não é um webhook da WhatsApp Cloud API (object/entry/changes).');
    }

    const unroutable = inbox === null;
    await intake.store({
      provider: 'whatsapp',
      sha256: sha256Hex(body),
      body: text,
      inboxId: inbox?.id ?? null,
      accountId: inbox?.account_id ?? null,
      unroutable,
    });
    if (unroutable) {
      const label = numbers.map((number) => number.phoneNumberId).join(',') || 'sem número';
      if (!unroutableLogged.has(label)) {
        unroutableLogged.add(label);
        request.log.warn(
          { phoneNumberIds: label },
          'WhatsApp webhook for a number no inbox owns; stored as unroutable',
        );
      }
    }
    // Already JSON (the 200 schema's shape): thousands a second need not be validated and serialised again.
    return reply.code(200).type('application/json; charset=utf-8').send(RECEIVED);
  };

  const schema = {
    tags: ['WhatsApp (webhooks da Meta)'],
    security: [],
  };
  for (const url of ['/webhooks/whatsapp', '/webhooks/whatsapp/:phone_number']) {
    api.get(url, {
      schema: {
        ...schema,
        summary: 'Verificação do webhook (hub.challenge)',
        params: PathSchema,
        querystring: HandshakeQuerySchema,
        response: { 200: z.string(), ...errorResponses(403) },
      },
      handler: handshake,
    });
    api.post(url, {
      // Meta may send thousands a second: no "incoming request"/"request completed" lines at the default level,
      // and no per-request child logger unless something is logged.
      logLevel: 'warn',
      childLoggerFactory: lazyChildLoggerFactory,
      // Answered to Meta's servers, never shown in a browser (the GET handshake, which echoes its challenge,
      // keeps every header).
      config: { browserHeaders: false },
      schema: {
        ...schema,
        summary: 'Receber eventos da WhatsApp Cloud API (assinados com X-Hub-Signature-256)',
        params: PathSchema,
        response: { 200: z.object({ received: z.boolean() }), ...errorResponses(400, 401, 413, 415, 422, 503) },
      },
      handler: receive,
    });
  }
}
