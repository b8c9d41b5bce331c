import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.js';

type Executor = Kysely<Database>;

const PREVIEW_LENGTH = 140;
const MESSAGE_DIRECTION = { 0: 'incoming', 1: 'outgoing', 3: 'template' } as Record<number, string>;

const none = <T>(): Promise<T[]> => Promise.resolve([]);
const preview = (content: string | null) =>
  content === null ? null : content.length > PREVIEW_LENGTH ? `${content.slice(0, PREVIEW_LENGTH - 1)}…` : content;

/** What each kind of timeline entry shows, read for one page of ids (never more). */
export const timelineDetails = {
  async conversations(db: Executor, accountId: number, ids: number[]) {
    if (!ids.length) return none<never>();
    const visible = sql`m.message_type <> 2 AND m.private = false AND m.deleted_at IS NULL`;
    const rows = await sql<{
      id: number;
      display_id: number;
      status: string;
      inbox_id: number;
      inbox_name: string;
      messages_count: number;
      first_at: Date | null;
      last_at: Date | null;
      last_content: string | null;
      last_type: number | null;
      last_content_type: string | null;
    }>`
      SELECT c.id, c.display_id, c.status, i.id AS inbox_id, i.name AS inbox_name,
             (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND ${visible}) AS messages_count,
             (SELECT m.created_at FROM messages m WHERE m.conversation_id = c.id AND ${visible} ORDER BY m.id LIMIT 1) AS first_at,
             lm.created_at AS last_at, lm.content AS last_content, lm.message_type AS last_type,
             lm.content_type AS last_content_type
      FROM conversations c
      JOIN inboxes i ON i.id = c.inbox_id
      LEFT JOIN LATERAL (
        SELECT m.created_at, m.content, m.message_type, m.content_type FROM messages m
        WHERE m.conversation_id = c.id AND ${visible} ORDER BY m.id DESC LIMIT 1
      ) lm ON true
      WHERE c.account_id = ${accountId} AND c.id IN (${sql.join(ids)})`.execute(db);
    return rows.rows.map((row) => ({
      id: Number(row.id),
      display_id: row.display_id,
      status: row.status,
      inbox: { id: Number(row.inbox_id), name: row.inbox_name },
      messages_count: Number(row.messages_count),
      first_message_at: row.first_at ? new Date(row.first_at) : null,
      last_message_at: row.last_at ? new Date(row.last_at) : null,
      last_message:
        row.last_type === null
          ? null
          : {
              content: preview(row.last_content),
              content_type: row.last_content_type ?? 'text',
              direction: MESSAGE_DIRECTION[row.last_type] ?? 'incoming',
            },
    }));
  },

  events(db: Executor, accountId: number, ids: number[]) {
    if (!ids.length) return none<never>();
    return db
      .selectFrom('events')
      .select(['id', 'title', 'starts_at', 'ends_at', 'status', 'value_cents', 'client_id'])
      .where('account_id', '=', accountId)
      .where('id', 'in', ids)
      .execute();
  },

  assignments(db: Executor, accountId: number, ids: number[]) {
    if (!ids.length) return none<never>();
    return db
      .selectFrom('assignments')
      .innerJoin('events', 'events.id', 'assignments.event_id')
      .innerJoin('service_types', 'service_types.id', 'assignments.service_type_id')
      .select([
        'assignments.id',
        'assignments.event_id',
        'events.title as event_title',
        'assignments.provider_id',
        'service_types.name as service',
        'assignments.status',
        'assignments.starts_at',
        'assignments.ends_at',
      ])
      .where('assignments.account_id', '=', accountId)
      .where('assignments.id', 'in', ids)
      .execute();
  },

  deals(db: Executor, accountId: number, ids: number[]) {
    if (!ids.length) return none<never>();
    return db
      .selectFrom('deals')
      .innerJoin('pipeline_stages', 'pipeline_stages.id', 'deals.stage_id')
      .select([
        'deals.id',
        'deals.title',
        'deals.status',
        'deals.value_cents',
        'deals.stage_id',
        'pipeline_stages.name as stage_name',
      ])
      .where('deals.account_id', '=', accountId)
      .where('deals.id', 'in', ids)
      .execute();
  },

  stageChanges(db: Executor, accountId: number, ids: number[]) {
    if (!ids.length) return none<never>();
    return db
      .selectFrom('deal_stage_changes as s')
      .innerJoin('deals', 'deals.id', 's.deal_id')
      .leftJoin('pipeline_stages as from_stage', 'from_stage.id', 's.from_stage_id')
      .leftJoin('pipeline_stages as to_stage', 'to_stage.id', 's.to_stage_id')
      .leftJoin('users', 'users.id', 's.user_id')
      .select([
        's.id',
        's.deal_id',
        'deals.title as deal_title',
        's.from_stage_id',
        'from_stage.name as from_stage_name',
        's.to_stage_id',
        'to_stage.name as to_stage_name',
        's.user_id',
        'users.name as user_name',
      ])
      .where('s.account_id', '=', accountId)
      .where('s.id', 'in', ids)
      .execute();
  },

  activities(db: Executor, accountId: number, ids: number[]) {
    if (!ids.length) return none<never>();
    return db
      .selectFrom('activities')
      .leftJoin('users', 'users.id', 'activities.assignee_id')
      .select([
        'activities.id',
        'activities.kind',
        'activities.title',
        'activities.due_at',
        'activities.done_at',
        'activities.deal_id',
        'activities.event_id',
        'activities.assignee_id',
        'users.name as assignee_name',
      ])
      .where('activities.account_id', '=', accountId)
      .where('activities.id', 'in', ids)
      .execute();
  },

  notes(db: Executor, accountId: number, ids: number[]) {
    if (!ids.length) return none<never>();
    return db
      .selectFrom('contact_notes')
      .leftJoin('users', 'users.id', 'contact_notes.user_id')
      .select(['contact_notes.id', 'contact_notes.content', 'contact_notes.user_id', 'users.name as user_name'])
      .where('contact_notes.account_id', '=', accountId)
      .where('contact_notes.id', 'in', ids)
      .execute();
  },

  notifications(db: Executor, accountId: number, ids: number[]) {
    if (!ids.length) return none<never>();
    return db
      .selectFrom('notifications')
      .leftJoin('notification_templates as t', 't.id', 'notifications.template_id')
      .select([
        'notifications.id',
        'notifications.kind',
        'notifications.category',
        'notifications.status',
        'notifications.channel',
        'notifications.reason',
        'notifications.error_code',
        'notifications.event_id',
        'notifications.broadcast_id',
        'notifications.due_at',
        'notifications.sent_at',
        'notifications.template_id',
        't.name as template_name',
      ])
      .where('notifications.account_id', '=', accountId)
      .where('notifications.id', 'in', ids)
      .execute();
  },
};
