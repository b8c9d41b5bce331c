import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import { InstantOut, idQuery, isoOrNull, listOf, pageQuery } from '../crm/pipeline/crm-schemas.js';
import type { Db } from '../db/client.js';
import type { NotificationStatus } from '../db/schema.js';
import { accountOf, principalOf, requireAdministrator } from '../http/request-context.js';
import { AccountParamsSchema, errorResponses, idParam } from '../http/schemas.js';
import { notFound } from '../shared/errors.js';
import { QuietHoursSchema, quietHoursOf } from './quiet-hours.js';

const STATUSES = ['scheduled', 'queued', 'sent', 'delivered', 'read', 'failed', 'cancelled', 'skipped'] as const;
const PER_PAGE = 50;

export const NotificationSchema = z
  .object({
    id: z.number(),
    key: z.string(),
    kind: z.string(),
    rule_id: z.number().nullable(),
    template_id: z.number().nullable(),
    event_id: z.number().nullable(),
    assignment_id: z.number().nullable(),
    dispatch_id: z.number().nullable(),
    broadcast_id: z.number().nullable(),
    contact_id: z.number(),
    contact_name: z.string(),
    category: z.string(),
    essential: z.boolean(),
    channel: z.string().nullable(),
    status: z.enum(STATUSES),
    due_at: InstantOut,
    original_due_at: InstantOut.nullable(),
    sent_at: InstantOut.nullable(),
    delivered_at: InstantOut.nullable(),
    read_at: InstantOut.nullable(),
    lateness_ms: z.number().nullable(),
    reason: z.string().nullable(),
    error_code: z.string().nullable(),
    message_id: z.number().nullable(),
    conversation_id: z.number().nullable(),
    created_at: InstantOut,
  })
  .meta({ id: 'Notification' });

const ListQuery = z.object({
  event_id: idQuery('event_id').optional(),
  contact_id: idQuery('contact_id').optional(),
  rule_id: idQuery('rule_id').optional(),
  dispatch_id: idQuery('dispatch_id').optional(),
  status: z.enum(STATUSES, { error: `status: use um de ${STATUSES.join(', ')}` }).optional(),
  kind: z.enum(['rule', 'offer', 'offer_reply', 'broadcast', 'consent']).optional(),
  page: pageQuery,
});

const SettingsSchema = z.object({ quiet_hours: QuietHoursSchema }).meta({ id: 'NotificationSettings' });

function baseQuery(db: Db, accountId: number) {
  return db
    .selectFrom('notifications')
    .innerJoin('contacts', 'contacts.id', 'notifications.contact_id')
    .leftJoin('messages', 'messages.id', 'notifications.message_id')
    .where('notifications.account_id', '=', accountId);
}

type Row = Awaited<ReturnType<typeof selectRows>>[number];
function selectRows(query: ReturnType<typeof baseQuery>) {
  return query
    .selectAll('notifications')
    .select(['contacts.name as contact_name', 'messages.conversation_id as conversation_id'])
    .execute();
}

const serialize = (row: Row) => ({
  id: row.id,
  key: row.key,
  kind: row.kind,
  rule_id: row.rule_id,
  template_id: row.template_id,
  event_id: row.event_id,
  assignment_id: row.assignment_id,
  dispatch_id: row.dispatch_id,
  broadcast_id: row.broadcast_id,
  contact_id: row.contact_id,
  contact_name: row.contact_name,
  category: row.category,
  essential: row.essential,
  channel: row.channel,
  status: row.status as NotificationStatus,
  due_at: row.due_at.toISOString(),
  original_due_at: isoOrNull(row.original_due_at),
  sent_at: isoOrNull(row.sent_at),
  delivered_at: isoOrNull(row.delivered_at),
  read_at: isoOrNull(row.read_at),
  lateness_ms: row.lateness_ms,
  reason: row.reason,
  error_code: row.error_code,
  message_id: row.message_id,
  conversation_id: row.conversation_id ?? null,
  created_at: row.created_at.toISOString(),
});

/** The notifications list (contract) with the reason for each skip, and the account's quiet hours. */
export async function notificationsRoutes(app: FastifyInstance, deps: { db: Db }) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['Notificações'];

  api.get(
    '/notifications',
    {
      schema: {
        tags,
        summary: 'Listar notificações (agendadas, enviadas, puladas com o motivo…)',
        description:
          'Mais recentes primeiro pelo horário previsto. Filtros: event_id, contact_id, rule_id, dispatch_id, status, kind.',
        params: AccountParamsSchema,
        querystring: ListQuery,
        response: { 200: listOf(NotificationSchema), ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const { page, ...filter } = request.query;
      let query = baseQuery(deps.db, accountOf(request).id);
      if (filter.event_id) query = query.where('notifications.event_id', '=', filter.event_id);
      if (filter.contact_id) query = query.where('notifications.contact_id', '=', filter.contact_id);
      if (filter.rule_id) query = query.where('notifications.rule_id', '=', filter.rule_id);
      if (filter.dispatch_id) query = query.where('notifications.dispatch_id', '=', filter.dispatch_id);
      if (filter.status) query = query.where('notifications.status', '=', filter.status);
      if (filter.kind) query = query.where('notifications.kind', '=', filter.kind);
      const [rows, count] = await Promise.all([
        selectRows(
          query
            .orderBy('notifications.due_at', 'desc')
            .orderBy('notifications.id', 'desc')
            .limit(PER_PAGE)
            .offset((page - 1) * PER_PAGE),
        ),
        query.select(sql<string>`count(*)`.as('count')).executeTakeFirstOrThrow(),
      ]);
      return { meta: { count: Number(count.count), current_page: page }, payload: rows.map(serialize) };
    },
  );

  api.get(
    '/notifications/:id',
    {
      schema: {
        tags,
        summary: 'Uma notificação',
        params: idParam('id'),
        response: { 200: NotificationSchema, ...errorResponses(401, 404) },
      },
    },
    async (request) => {
      const [row] = await selectRows(
        baseQuery(deps.db, accountOf(request).id).where('notifications.id', '=', request.params.id),
      );
      if (!row) throw notFound('Notificação');
      return serialize(row);
    },
  );

  api.get(
    '/notification_settings',
    {
      schema: {
        tags,
        summary: 'Horário de silêncio da conta',
        description:
          'Envios não essenciais que caem dentro dele são adiados para o fim (padrão 21:00–08:00, no fuso da empresa).',
        params: AccountParamsSchema,
        response: { 200: SettingsSchema, ...errorResponses(401, 404) },
      },
    },
    async (request) => {
      const account = await deps.db
        .selectFrom('accounts')
        .select('notification_settings')
        .where('id', '=', accountOf(request).id)
        .executeTakeFirstOrThrow();
      return { quiet_hours: quietHoursOf(account.notification_settings) };
    },
  );

  api.put(
    '/notification_settings',
    {
      preHandler: requireAdministrator,
      schema: {
        tags,
        summary: 'Alterar o horário de silêncio (administradores)',
        params: AccountParamsSchema,
        body: z.strictObject({ quiet_hours: QuietHoursSchema }),
        response: { 200: SettingsSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const quiet = request.body.quiet_hours;
      await deps.db
        .updateTable('accounts')
        .set({
          notification_settings: sql`notification_settings || ${JSON.stringify({ quiet_hours: quiet })}::jsonb`,
          updated_at: sql`now()`,
        })
        .where('id', '=', accountOf(request).id)
        .execute();
      request.log.info({ user: principalOf(request).userId, quiet }, 'Quiet hours changed');
      return { quiet_hours: quiet };
    },
  );
}
