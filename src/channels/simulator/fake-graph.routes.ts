import { createHash, randomBytes } from 'node:crypto';
import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { safeEqual } from '../../shared/crypto.js';
import type { Logger } from '../../shared/logger.js';
import type { Simulator } from './simulator.service.js';
import { parameterCount, SIMULATOR_TEMPLATES } from './simulator-templates.js';
import { deliverWebhook, newWamid, statusWebhook } from './simulator-webhooks.js';

// Errors Meta reports later in a `failed` status webhook (the send itself answers 200), as opposed to
// those it answers the request with.
const ASYNC_ERROR_CODES = new Set([131026, 131047, 131049, 130472, 131050, 131051]);

const ERROR_TITLES: Record<number, string> = {
  100: 'Invalid parameter',
  190: 'Error validating access token',
  130429: 'Rate limit hit',
  131026: 'Message undeliverable',
  131047: 'Re-engagement message',
  131049: 'This message was not delivered to maintain healthy ecosystem engagement.',
  131050: 'User has stopped marketing messages',
  131056: '(Business Account, Consumer Account) pair rate limit hit',
  132000: 'Number of parameters does not match the expected number of params',
  132001: 'Template name does not exist in the translation',
};

export const errorTitle = (code: number) => ERROR_TITLES[code] ?? 'Error';

const SendSchema = z.looseObject({
  messaging_product: z.literal('whatsapp'),
  recipient_type: z.literal('individual').optional(),
  to: z.string().min(1).optional(),
  recipient: z.string().min(1).optional(),
  type: z
    .enum([
      'text',
      'image',
      'audio',
      'video',
      'document',
      'sticker',
      'location',
      'contacts',
      'interactive',
      'template',
      'reaction',
    ])
    .default('text'),
  context: z.object({ message_id: z.string() }).optional(),
  text: z.object({ body: z.string().min(1).max(4096), preview_url: z.boolean().optional() }).optional(),
  template: z
    .object({
      name: z.string(),
      language: z.object({ code: z.string() }),
      components: z.array(z.looseObject({ type: z.string(), parameters: z.array(z.unknown()).optional() })).optional(),
    })
    .optional(),
});

function graphError(reply: FastifyReply, status: number, code: number, details: string) {
  return reply.code(status).send({
    error: {
      message: `(#${code}) ${errorTitle(code)}`,
      type: 'OAuthException',
      code,
      error_data: { messaging_product: 'whatsapp', details },
      error_user_title: errorTitle(code),
      fbtrace_id: `SIM${Date.now().toString(36)}`,
    },
  });
}

/**
 * A stand-in for Meta's Graph API, served at /simulator/graph when SIMULATOR is on: sends (text,
 * interactive, templates…), template listing and media, in Meta's request and response formats,
 * including its error objects and the status webhooks that follow a send.
 */
export async function fakeGraphRoutes(
  app: FastifyInstance,
  deps: { simulator: Simulator; logger: Logger; root: FastifyInstance },
) {
  async function authorised(request: FastifyRequest, reply: FastifyReply) {
    const ref = await deps.simulator.ref();
    const token = request.headers.authorization?.replace(/^Bearer\s+/i, '') ?? '';
    if (!ref || !safeEqual(token, ref.accessToken)) {
      await graphError(reply, 401, 190, 'Invalid OAuth access token - Cannot parse access token');
      return null;
    }
    return ref;
  }

  // Media the business uploaded (POST /{phone-number-id}/media), until a send carries it to a phone,
  // whose message then keeps the bytes (as the phone's own images do) for the phone to show.
  await app.register(fastifyMultipart, { limits: { files: 1, fileSize: 100 * 1024 * 1024 } });
  const uploads = new LRUCache<string, { bytes: Buffer; mimeType: string; sha256: string }>({
    maxSize: 256 * 1024 * 1024,
    sizeCalculation: (media) => media.bytes.length || 1,
  });
  const KEPT_ON_PHONE_BYTES = 16 * 1024 * 1024;
  const withUploadedBytes = (body: Record<string, unknown> & { type: string }) => {
    const media = body[body.type] as { id?: string } | undefined;
    const upload = media?.id ? uploads.get(media.id) : undefined;
    if (!upload || upload.bytes.length > KEPT_ON_PHONE_BYTES) return body;
    return { ...body, [body.type]: { ...media, mime_type: upload.mimeType, data: upload.bytes.toString('base64') } };
  };

  app.post('/:version/:phone_number_id/media', { schema: { hide: true } }, async (request, reply) => {
    const ref = await authorised(request, reply);
    if (!ref) return reply;
    const { phone_number_id: phoneNumberId } = request.params as { phone_number_id: string };
    if (phoneNumberId !== ref.phoneNumberId)
      return graphError(reply, 400, 100, `Unknown phone number id ${phoneNumberId}`);
    if (!request.isMultipart()) return graphError(reply, 400, 100, 'Media upload must be multipart/form-data.');
    const fields: Record<string, string> = {};
    let file: Buffer | null = null;
    for await (const part of request.parts()) {
      if (part.type === 'file') file = await part.toBuffer();
      else fields[part.fieldname] = String(part.value);
    }
    if (fields.messaging_product !== 'whatsapp')
      return graphError(reply, 400, 100, 'The parameter messaging_product is required.');
    if (!fields.type) return graphError(reply, 400, 100, 'The parameter type is required.');
    if (!file) return graphError(reply, 400, 100, 'The parameter file is required.');
    const id = String(BigInt(`0x${randomBytes(7).toString('hex')}`));
    uploads.set(id, {
      bytes: file,
      mimeType: fields.type,
      sha256: createHash('sha256').update(file).digest('base64'),
    });
    return reply.send({ id });
  });

  const later = (ms: number, task: () => Promise<unknown>) => {
    setTimeout(() => {
      task().catch((error) => deps.logger.warn({ err: error }, 'Simulator could not deliver a webhook'));
    }, ms).unref();
  };

  app.post('/:version/:phone_number_id/messages', { schema: { hide: true } }, async (request, reply) => {
    const ref = await authorised(request, reply);
    if (!ref) return reply;
    const { phone_number_id: phoneNumberId } = request.params as { phone_number_id: string };
    if (phoneNumberId !== ref.phoneNumberId)
      return graphError(reply, 400, 100, `Unknown phone number id ${phoneNumberId}`);
    // A read receipt: the phone's message gets its blue ticks.
    const receipt = z
      .object({ messaging_product: z.literal('whatsapp'), status: z.literal('read'), message_id: z.string().min(1) })
      .safeParse(request.body);
    if (receipt.success) {
      await deps.simulator.setStatus(receipt.data.message_id, 'read');
      return reply.send({ success: true });
    }
    const parsed = SendSchema.safeParse(request.body);
    if (!parsed.success) return graphError(reply, 400, 100, z.prettifyError(parsed.error));
    const body = parsed.data;
    const waId = body.to?.replace(/\D/g, '') || body.recipient;
    if (!waId) return graphError(reply, 400, 131008, 'The parameter to is required.');
    if (!(body.type in body) && body.type !== 'text')
      return graphError(reply, 400, 131008, `The parameter ${body.type} is required.`);
    if (body.type === 'template' && body.template) {
      const template = SIMULATOR_TEMPLATES.find(
        (candidate) => candidate.name === body.template?.name && candidate.language === body.template.language.code,
      );
      if (!template)
        return graphError(
          reply,
          404,
          132001,
          `template name (${body.template.name}) does not exist in ${body.template.language.code}`,
        );
      const bodyText = template.components.find((component) => component.type === 'BODY')?.text ?? '';
      const given = body.template.components?.find((component) => component.type === 'body')?.parameters?.length ?? 0;
      if (given !== parameterCount(bodyText)) {
        return graphError(
          reply,
          400,
          132000,
          `body: number of localizable_params (${given}) does not match the expected number of params (${parameterCount(bodyText)})`,
        );
      }
    }
    const failure = deps.simulator.failures.take(waId);
    if (failure && !ASYNC_ERROR_CODES.has(failure.code)) {
      return graphError(
        reply,
        failure.code === 190 ? 401 : failure.code === 130429 ? 429 : 400,
        failure.code,
        failure.title,
      );
    }

    const wamid = newWamid();
    await deps.simulator.upsertPhone(ref.inbox.id, waId, waId);
    await deps.simulator.record({
      inboxId: ref.inbox.id,
      waId,
      direction: 'to_phone',
      wamid,
      payload: withUploadedBytes(body),
    });
    later(150, () =>
      deliverWebhook(
        deps.root,
        ref,
        statusWebhook(
          ref,
          waId,
          wamid,
          failure ? 'failed' : 'sent',
          failure
            ? [
                {
                  code: failure.code,
                  title: failure.title,
                  message: failure.title,
                  error_data: { details: failure.title },
                },
              ]
            : undefined,
        ),
      ),
    );
    if (failure) {
      later(0, () => deps.simulator.setStatus(wamid, 'failed'));
    } else {
      later(600, async () => {
        await deps.simulator.setStatus(wamid, 'delivered');
        await deliverWebhook(deps.root, ref, statusWebhook(ref, waId, wamid, 'delivered'));
      });
    }
    return reply.send({
      messaging_product: 'whatsapp',
      contacts: [{ input: body.to ?? body.recipient, wa_id: waId }],
      messages: [{ id: wamid }],
    });
  });

  app.get('/:version/:waba_id/message_templates', { schema: { hide: true } }, async (request, reply) => {
    const ref = await authorised(request, reply);
    if (!ref) return reply;
    const { waba_id: wabaId } = request.params as { waba_id: string };
    if (wabaId !== ref.businessAccountId)
      return graphError(reply, 400, 100, `Unsupported get request. Object with ID '${wabaId}' does not exist`);
    const query = z
      .object({ limit: z.coerce.number().int().min(1).max(100).default(25), after: z.string().optional() })
      .safeParse(request.query);
    if (!query.success) return graphError(reply, 400, 100, z.prettifyError(query.error));
    const { limit, after } = query.data;
    const start = (after && Number(Buffer.from(after, 'base64url').toString())) || 0;
    const page = SIMULATOR_TEMPLATES.slice(start, start + limit);
    const next = start + page.length;
    const cursor = (value: number) => Buffer.from(String(value)).toString('base64url');
    return reply.send({
      data: page,
      paging: {
        cursors: { before: cursor(start), after: cursor(next) },
        ...(next < SIMULATOR_TEMPLATES.length
          ? {
              next: `${request.protocol}://${request.host}${request.url.split('?')[0]}?limit=${limit}&after=${cursor(next)}`,
            }
          : {}),
      },
    });
  });

  app.get('/:version/:media_id', { schema: { hide: true } }, async (request, reply) => {
    const ref = await authorised(request, reply);
    if (!ref) return reply;
    const { media_id: mediaId, version } = request.params as { media_id: string; version: string };
    const media = (await deps.simulator.media(mediaId)) ?? uploads.get(mediaId);
    if (!media)
      return graphError(reply, 404, 100, `Unsupported get request. Object with ID '${mediaId}' does not exist`);
    return reply.send({
      messaging_product: 'whatsapp',
      url: `${request.protocol}://${request.host}/simulator/graph/${version}/media-download/${mediaId}`,
      mime_type: media.mimeType,
      sha256: media.sha256,
      file_size: media.bytes.length,
      id: mediaId,
    });
  });

  app.get('/:version/media-download/:media_id', { schema: { hide: true } }, async (request, reply) => {
    if (!(await authorised(request, reply))) return reply;
    const mediaId = (request.params as { media_id: string }).media_id;
    const media = (await deps.simulator.media(mediaId)) ?? uploads.get(mediaId);
    if (!media) return reply.code(404).send();
    return reply.type(media.mimeType).send(media.bytes);
  });
}
