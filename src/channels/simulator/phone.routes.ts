import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { MembershipCache } from '../../accounts/access-cache.js';
import { principalOf } from '../../http/request-context.js';
import { errorResponses } from '../../http/schemas.js';
import { AppError } from '../../shared/errors.js';
import { errorTitle } from './fake-graph.routes.js';
import type { Simulator } from './simulator.service.js';
import { SIMULATOR_TEMPLATES } from './simulator-templates.js';
import { deliverWebhook, messageWebhook, newWamid, statusWebhook } from './simulator-webhooks.js';

const WaIdSchema = z.string().regex(/^\d{8,15}$/, { error: 'número com DDI e DDD, só dígitos (ex.: 5511987654321)' });
const PhoneParamsSchema = z.object({ wa_id: WaIdSchema });
const loose = z.record(z.string(), z.unknown());

const SendFromPhoneSchema = z.union([
  z.strictObject({ text: z.string().min(1).max(4096) }),
  z.strictObject({
    image: z.strictObject({
      data: z.string().min(1).max(2_800_000, { error: 'imagem de até 2 MB' }),
      mime_type: z.enum(['image/jpeg', 'image/png', 'image/webp']),
      caption: z.string().max(1024).optional(),
    }),
  }),
  // Tapping a reply button or a list row the business sent.
  z.strictObject({
    reply: z.strictObject({
      type: z.enum(['button_reply', 'list_reply']),
      id: z.string().min(1),
      title: z.string().min(1),
      context_wamid: z.string().min(1),
    }),
  }),
  // Tapping a template's quick-reply button.
  z.strictObject({
    button: z.strictObject({ payload: z.string().min(1), text: z.string().min(1), context_wamid: z.string().min(1) }),
  }),
]);

/**
 * The simulator's phones: a signed-in person plays one or more WhatsApp users. What they write reaches
 * Santana as a signed webhook through the real /webhooks/whatsapp route.
 */
export async function simulatorPhoneRoutes(
  app: FastifyInstance,
  deps: { simulator: Simulator; memberships: MembershipCache; root: FastifyInstance },
) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Simulador de WhatsApp'];

  async function simulatorFor(request: Parameters<typeof principalOf>[0]) {
    const ref = await deps.simulator.ref();
    if (!ref) throw new AppError('not_found', 'O simulador não está ativo.');
    if (!(await deps.memberships.in(ref.inbox.account_id, principalOf(request).userId))) {
      throw new AppError('not_found', 'O simulador não está ativo.');
    }
    return ref;
  }

  api.get(
    '/state',
    {
      schema: {
        tags,
        summary: 'Telefones simulados e a caixa de entrada',
        response: { 200: loose, ...errorResponses(401, 404) },
      },
    },
    async (request) => {
      const ref = await simulatorFor(request);
      return {
        inbox: { id: ref.inbox.id, name: ref.inbox.name, display_phone_number: ref.displayPhoneNumber },
        phones: await deps.simulator.phones(ref.inbox.id),
        templates: SIMULATOR_TEMPLATES.map((template) => ({
          name: template.name,
          language: template.language,
          category: template.category,
          components: template.components,
        })),
      };
    },
  );

  api.post(
    '/phones',
    {
      schema: {
        tags,
        summary: 'Criar (ou renomear) um telefone simulado',
        body: z.strictObject({ wa_id: WaIdSchema.optional(), name: z.string().trim().min(1).max(100) }),
        response: { 201: z.object({ wa_id: z.string(), name: z.string() }), ...errorResponses(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const ref = await simulatorFor(request);
      const waId = request.body.wa_id ?? `55119${String(randomBytes(4).readUInt32BE() % 100_000_000).padStart(8, '0')}`;
      await deps.simulator.upsertPhone(ref.inbox.id, waId, request.body.name);
      return reply.code(201).send({ wa_id: waId, name: request.body.name });
    },
  );

  api.get(
    '/phones/:wa_id/messages',
    {
      schema: {
        tags,
        summary: 'Conversa do telefone simulado',
        params: PhoneParamsSchema,
        response: { 200: loose, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const ref = await simulatorFor(request);
      const rows = await deps.simulator.messages(ref.inbox.id, request.params.wa_id);
      return {
        payload: rows.map((row) => {
          const payload = row.payload as Record<string, unknown> & { type?: string };
          const media = payload.type ? (payload[payload.type] as { data?: string } | undefined) : undefined;
          // The bytes stay on the server; the page loads them from /phones/:wa_id/media/:media_id.
          const shown =
            media?.data && payload.type ? { ...payload, [payload.type]: { ...media, data: undefined } } : payload;
          return {
            id: row.id,
            wamid: row.wamid,
            direction: row.direction,
            status: row.status,
            payload: shown,
            created_at: row.created_at,
          };
        }),
      };
    },
  );

  api.get(
    '/phones/:wa_id/sms',
    {
      schema: {
        tags,
        summary: 'SMS que o gateway simulado entregou a este telefone',
        params: PhoneParamsSchema,
        response: { 200: loose, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const ref = await simulatorFor(request);
      const rows = await deps.simulator.sms.list(ref.inbox.account_id, request.params.wa_id);
      return {
        payload: rows.map((row) => ({
          id: row.id,
          sid: row.sid,
          from: row.sender,
          body: row.body,
          status: row.status,
          created_at: row.created_at,
        })),
      };
    },
  );

  api.post(
    '/phones/:wa_id/messages',
    {
      schema: {
        tags,
        summary: 'O telefone simulado envia uma mensagem (texto, imagem, toque em botão)',
        params: PhoneParamsSchema,
        body: SendFromPhoneSchema,
        response: {
          201: z.object({ wamid: z.string(), webhook_status: z.number() }),
          ...errorResponses(400, 401, 404),
        },
      },
    },
    async (request, reply) => {
      const ref = await simulatorFor(request);
      const waId = request.params.wa_id;
      const phones = await deps.simulator.phones(ref.inbox.id);
      const name = phones.find((phone) => phone.wa_id === waId)?.name ?? waId;
      await deps.simulator.upsertPhone(ref.inbox.id, waId, name);
      const wamid = newWamid();
      const body = request.body;
      let item: Record<string, unknown>;
      let stored: Record<string, unknown>;
      if ('text' in body) {
        item = { id: wamid, type: 'text', text: { body: body.text } };
        stored = item;
      } else if ('image' in body) {
        const bytes = Buffer.from(body.image.data, 'base64');
        const mediaId = String(BigInt(`0x${randomBytes(6).toString('hex')}`));
        const sha256 = createHash('sha256').update(bytes).digest('base64');
        const image = {
          id: mediaId,
          mime_type: body.image.mime_type,
          sha256,
          ...(body.image.caption ? { caption: body.image.caption } : {}),
        };
        item = { id: wamid, type: 'image', image };
        stored = { ...item, image: { ...image, data: body.image.data } };
      } else if ('reply' in body) {
        item = {
          id: wamid,
          type: 'interactive',
          context: { from: ref.displayPhoneNumber, id: body.reply.context_wamid },
          interactive: { type: body.reply.type, [body.reply.type]: { id: body.reply.id, title: body.reply.title } },
        };
        stored = item;
      } else {
        item = {
          id: wamid,
          type: 'button',
          context: { from: ref.displayPhoneNumber, id: body.button.context_wamid },
          button: { payload: body.button.payload, text: body.button.text },
        };
        stored = item;
      }
      await deps.simulator.record({ inboxId: ref.inbox.id, waId, direction: 'to_business', wamid, payload: stored });
      const status = await deliverWebhook(deps.root, ref, messageWebhook(ref, { waId, name }, item));
      return reply.code(201).send({ wamid, webhook_status: status });
    },
  );

  api.get(
    '/phones/:wa_id/media/:media_id',
    {
      schema: {
        tags,
        summary: 'Mídia de uma mensagem do telefone simulado (enviada ou recebida)',
        params: PhoneParamsSchema.extend({ media_id: z.string().regex(/^\d{1,40}$/) }),
      },
    },
    async (request, reply) => {
      const ref = await simulatorFor(request);
      const rows = await deps.simulator.messages(ref.inbox.id, request.params.wa_id);
      for (const row of rows) {
        const payload = row.payload as Record<string, unknown> & { type?: string };
        const media = payload.type
          ? (payload[payload.type] as { id?: string; data?: string; mime_type?: string } | undefined)
          : undefined;
        if (media?.id !== request.params.media_id || !media.data) continue;
        // Shown in the page only if it is media; anything else downloads (never runs as a page).
        const inline = /^(image|audio|video)\//.test(media.mime_type ?? '');
        return reply
          .header('content-type', media.mime_type ?? 'application/octet-stream')
          .header('x-content-type-options', 'nosniff')
          .header('content-disposition', inline ? 'inline' : 'attachment')
          .send(Buffer.from(media.data, 'base64'));
      }
      throw new AppError('not_found', 'Mídia não encontrada neste telefone.');
    },
  );

  api.post(
    '/phones/:wa_id/read',
    {
      schema: {
        tags,
        summary: 'O telefone abriu a conversa: as mensagens da empresa ficam lidas',
        params: PhoneParamsSchema,
      },
    },
    async (request) => {
      const ref = await simulatorFor(request);
      const unread = await deps.simulator.unread(ref.inbox.id, request.params.wa_id);
      for (const { wamid } of unread) {
        await deps.simulator.setStatus(wamid, 'read');
        await deliverWebhook(deps.root, ref, statusWebhook(ref, request.params.wa_id, wamid, 'read'));
      }
      return { read: unread.length };
    },
  );

  api.post(
    '/failures',
    {
      schema: {
        tags,
        summary: 'Fazer a API falsa da Meta falhar nos próximos envios para um número (ex.: 131026)',
        body: z.strictObject({
          wa_id: WaIdSchema,
          code: z.number().int().positive(),
          times: z.number().int().min(1).max(100).default(1),
        }),
      },
    },
    async (request) => {
      await simulatorFor(request);
      const { wa_id: waId, code, times } = request.body;
      deps.simulator.failures.set(waId, { code, title: errorTitle(code), remaining: times });
      return { ok: true };
    },
  );
}
