import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { accountOf } from '../../http/request-context.js';
import { errorResponses } from '../../http/schemas.js';
import type { InboxAccess } from '../../inbox/inbox-access.js';
import { AppError } from '../../shared/errors.js';
import { ContactParams, InstantOut } from '../pipeline/crm-schemas.js';
import type { TimelineService } from './timeline.service.js';
import { parseBefore } from './timeline-cursor.js';

const NamedRef = z.object({ id: z.number(), name: z.string() });
const entry = <K extends string, S extends z.ZodRawShape>(kind: K, shape: S) =>
  z.object({ kind: z.literal(kind), at: InstantOut, id: z.number(), ...shape });

const TimelineEntrySchema = z
  .discriminatedUnion('kind', [
    entry('conversation', {
      display_id: z.number(),
      status: z.string(),
      inbox: NamedRef,
      messages_count: z.number(),
      first_message_at: InstantOut.nullable(),
      last_message_at: InstantOut.nullable(),
      last_message: z
        .object({
          content: z.string().nullable().meta({ description: 'Prévia (até 140 caracteres)' }),
          content_type: z.string(),
          direction: z.enum(['incoming', 'outgoing', 'template']),
        })
        .nullable(),
    }),
    entry('event', {
      title: z.string(),
      starts_at: InstantOut,
      ends_at: InstantOut,
      status: z.string(),
      value_cents: z.number().nullable(),
      client_id: z.number(),
    }),
    entry('assignment', {
      event_id: z.number(),
      event_title: z.string(),
      provider_id: z.number(),
      service: z.string(),
      status: z.string(),
      starts_at: InstantOut,
      ends_at: InstantOut,
    }),
    entry('deal', {
      title: z.string(),
      status: z.enum(['open', 'won', 'lost']),
      value_cents: z.number().nullable(),
      stage: NamedRef,
    }),
    entry('deal_stage', {
      deal_id: z.number(),
      deal_title: z.string(),
      from_stage: NamedRef.nullable(),
      to_stage: NamedRef.nullable(),
      user: NamedRef.nullable(),
    }),
    entry('activity', {
      activity_kind: z.enum(['call', 'meeting', 'task', 'whatsapp']),
      title: z.string(),
      due_at: InstantOut.nullable(),
      done: z.boolean(),
      done_at: InstantOut.nullable(),
      deal_id: z.number().nullable(),
      event_id: z.number().nullable(),
      assignee: NamedRef.nullable(),
    }),
    entry('note', { content: z.string(), user: NamedRef.nullable() }),
    entry('notification', {
      notification_kind: z.enum(['rule', 'offer', 'offer_reply', 'broadcast', 'consent']),
      category: z.enum(['utility', 'marketing']),
      status: z.enum(['scheduled', 'queued', 'sent', 'delivered', 'read', 'failed', 'cancelled', 'skipped']),
      channel: z.enum(['whatsapp', 'sms']).nullable(),
      reason: z.string().nullable().meta({ description: 'Por que foi adiada, pulada ou falhou' }),
      error_code: z.string().nullable(),
      event_id: z.number().nullable(),
      broadcast_id: z.number().nullable(),
      template: NamedRef.nullable(),
      due_at: InstantOut,
      sent_at: InstantOut.nullable(),
    }),
  ])
  .meta({ id: 'TimelineEntry' });

const TimelineQuerySchema = z.object({
  before: z.string().max(100).optional().meta({
    description: 'ISO 8601 com fuso (entradas anteriores a esse instante) ou o meta.next_before da página anterior',
  }),
  limit: z.coerce.number().int().min(1).max(100).default(30),
});

/** GET /contacts/:id/timeline: everything about a person, newest first, in pages. */
export async function contactTimelineRoutes(
  app: FastifyInstance,
  deps: { timeline: TimelineService; access: InboxAccess },
) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/:id/timeline',
    {
      schema: {
        tags: ['CRM: linha do tempo'],
        summary: 'Linha do tempo do contato (da mais recente à mais antiga)',
        description:
          'Junta conversas (resumidas: quantidade de mensagens, primeira e última, prévia da última), eventos do perfil de cliente, escalas do perfil de prestador, negócios e mudanças de etapa, atividades, notas e notificações automáticas (no envio, ou no horário previsto se não saíram). Agentes veem só conversas das suas caixas de entrada.',
        params: ContactParams,
        querystring: TimelineQuerySchema,
        response: {
          200: z.object({
            payload: z.array(TimelineEntrySchema),
            meta: z.object({
              next_before: z
                .string()
                .nullable()
                .meta({ description: 'Passe em before para a próxima página; null no fim' }),
            }),
          }),
          ...errorResponses(400, 401, 404),
        },
      },
    },
    async (request) => {
      const { before, limit } = request.query;
      const cursor = before === undefined ? null : parseBefore(before);
      if (before !== undefined && !cursor) {
        throw new AppError(
          'validation_failed',
          'Dados inválidos: before deve ser uma data e hora ISO 8601 com fuso ou o next_before da página anterior.',
          [{ field: 'before', message: 'data e hora ISO 8601 inválida' }],
        );
      }
      const page = await deps.timeline.page({
        accountId: accountOf(request).id,
        contactId: request.params.id,
        scope: await deps.access.scopeOf(request),
        before: cursor,
        limit,
      });
      return { payload: page.entries as z.infer<typeof TimelineEntrySchema>[], meta: { next_before: page.nextBefore } };
    },
  );
}
