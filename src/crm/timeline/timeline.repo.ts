import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { InboxScope } from '../../inbox/inbox-access.js';
import { KIND_RANK, type TimelineCursor, type TimelineKind } from './timeline-cursor.js';

type Executor = Kysely<Database>;

export interface TimelineKey {
  kind: TimelineKind;
  id: number;
  at: Date;
  /** `at` to the microsecond, UTC, for the next cursor. */
  at_key: string;
}

const KIND_BY_RANK = Object.fromEntries(Object.entries(KIND_RANK).map(([kind, rank]) => [rank, kind])) as Record<
  number,
  TimelineKind
>;

// Messages a person exchanged (not activity lines, private notes or deleted ones).
const VISIBLE_MESSAGE = sql`m.message_type <> 2 AND m.private = false AND m.deleted_at IS NULL`;

/**
 * One page of the contact's timeline keys: every source is read newest first from `before`, at most
 * `limit` rows each (UNION ALL of bounded branches), then merged and cut to `limit`.
 */
export async function timelineKeys(
  db: Executor,
  q: { accountId: number; contactId: number; scope: InboxScope; before: TimelineCursor | null; limit: number },
): Promise<TimelineKey[]> {
  const { accountId, contactId, limit } = q;
  const older = (at: RawBuilder<unknown>, rank: number, id: RawBuilder<unknown>) =>
    q.before
      ? sql`(${at}, ${sql.lit(rank)}, ${id}) < (${q.before.at}::timestamptz, ${q.before.rank}::int, ${q.before.id}::bigint)`
      : sql`true`;
  const inboxes =
    q.scope === null
      ? sql`true`
      : q.scope.length === 0
        ? sql`false`
        : sql`c.inbox_id IN (${sql.join(q.scope.map((id) => sql`${id}`))})`;
  const branch = (
    kind: TimelineKind,
    from: RawBuilder<unknown>,
    at: RawBuilder<unknown>,
    id: RawBuilder<unknown>,
    where: RawBuilder<unknown>,
  ) =>
    sql`(SELECT ${sql.lit(KIND_RANK[kind])}::int AS rank, ${id} AS id, ${at} AS at FROM ${from}
         WHERE ${where} AND ${older(at, KIND_RANK[kind], id)} ORDER BY 3 DESC, 2 DESC LIMIT ${limit})`;

  const conversationAt = sql`coalesce(lm.created_at, c.created_at)`;
  const branches = [
    branch(
      'conversation',
      sql`conversations c LEFT JOIN LATERAL (
            SELECT m.created_at FROM messages m WHERE m.conversation_id = c.id AND ${VISIBLE_MESSAGE}
            ORDER BY m.id DESC LIMIT 1) lm ON true`,
      conversationAt,
      sql`c.id`,
      sql`c.account_id = ${accountId} AND c.contact_id = ${contactId} AND ${inboxes}`,
    ),
    branch(
      'event',
      sql`events e JOIN clients cl ON cl.id = e.client_id`,
      sql`e.created_at`,
      sql`e.id`,
      sql`e.account_id = ${accountId} AND cl.contact_id = ${contactId}`,
    ),
    branch(
      'assignment',
      sql`assignments a JOIN providers p ON p.id = a.provider_id`,
      sql`a.created_at`,
      sql`a.id`,
      sql`a.account_id = ${accountId} AND p.contact_id = ${contactId}`,
    ),
    branch(
      'deal',
      sql`deals d`,
      sql`d.created_at`,
      sql`d.id`,
      sql`d.account_id = ${accountId} AND d.contact_id = ${contactId}`,
    ),
    // A deal's entry into its first stage is the deal itself; only moves are entries of their own.
    branch(
      'deal_stage',
      sql`deal_stage_changes s JOIN deals d ON d.id = s.deal_id`,
      sql`s.created_at`,
      sql`s.id`,
      sql`s.account_id = ${accountId} AND d.contact_id = ${contactId} AND s.from_stage_id IS NOT NULL`,
    ),
    branch(
      'activity',
      sql`activities t`,
      sql`t.created_at`,
      sql`t.id`,
      sql`t.account_id = ${accountId} AND t.contact_id = ${contactId}`,
    ),
    branch(
      'note',
      sql`contact_notes n`,
      sql`n.created_at`,
      sql`n.id`,
      sql`n.account_id = ${accountId} AND n.contact_id = ${contactId}`,
    ),
    // Automated sends: when they left, or when they are (were) due if they never did.
    branch(
      'notification',
      sql`notifications nt`,
      sql`coalesce(nt.sent_at, nt.due_at)`,
      sql`nt.id`,
      sql`nt.account_id = ${accountId} AND nt.contact_id = ${contactId}`,
    ),
  ];

  const result = await sql<{ rank: number; id: number; at: Date; at_key: string }>`
    SELECT rank, id, at, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at_key
    FROM (${sql.join(branches, sql` UNION ALL `)}) entries
    ORDER BY at DESC, rank DESC, id DESC
    LIMIT ${limit}`.execute(db);
  return result.rows.map((row) => ({
    kind: KIND_BY_RANK[Number(row.rank)] as TimelineKind,
    id: Number(row.id),
    at: new Date(row.at),
    at_key: row.at_key,
  }));
}
