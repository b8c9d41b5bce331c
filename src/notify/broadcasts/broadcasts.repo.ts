import { type Kysely, type Selectable, sql } from 'kysely';
import type { BroadcastsTable, Database, NotificationStatus } from '../../db/schema.js';

type Executor = Kysely<Database>;
export type Broadcast = Selectable<BroadcastsTable>;
export type BroadcastWithTemplate = Broadcast & { template_name: string | null };

/** Notifications that have not left yet: while any remain, the broadcast is still sending. */
const PENDING: NotificationStatus[] = ['scheduled', 'queued'];

/** Contacts carrying the label whose marketing consent allows the send (the rule consentAllows applies). */
const audience = (db: Executor, accountId: number, label: string) =>
  db
    .selectFrom('contacts as c')
    .innerJoin('contact_consents as m', (join) =>
      join.onRef('m.contact_id', '=', 'c.id').on('m.purpose', '=', 'marketing').on('m.status', '=', 'opted_in'),
    )
    .where('c.account_id', '=', accountId)
    .where(sql<boolean>`c.labels @> ARRAY[${label}]::text[]`)
    // SAIR withdraws both purposes; an agent may have given one back and not the other.
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('contact_consents as n')
            .select('n.contact_id')
            .whereRef('n.contact_id', '=', 'c.id')
            .where('n.purpose', '=', 'notifications')
            .where('n.status', '=', 'opted_out'),
        ),
      ),
    );

export const broadcastsRepo = {
  insert(
    db: Executor,
    values: { accountId: number; name: string; label: string; templateId: number; scheduledAt: Date; userId: number },
  ): Promise<Broadcast> {
    return db
      .insertInto('broadcasts')
      .values({
        account_id: values.accountId,
        name: values.name,
        label: values.label,
        template_id: values.templateId,
        scheduled_at: values.scheduledAt,
        created_by: values.userId,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  },

  list(db: Executor, accountId: number, page: { limit: number; offset: number }): Promise<BroadcastWithTemplate[]> {
    return db
      .selectFrom('broadcasts')
      .leftJoin('notification_templates as t', 't.id', 'broadcasts.template_id')
      .selectAll('broadcasts')
      .select('t.name as template_name')
      .where('broadcasts.account_id', '=', accountId)
      .orderBy('broadcasts.id', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute();
  },

  async count(db: Executor, accountId: number): Promise<number> {
    const row = await db
      .selectFrom('broadcasts')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('account_id', '=', accountId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  },

  find(db: Executor, accountId: number, id: number): Promise<BroadcastWithTemplate | undefined> {
    return db
      .selectFrom('broadcasts')
      .leftJoin('notification_templates as t', 't.id', 'broadcasts.template_id')
      .selectAll('broadcasts')
      .select('t.name as template_name')
      .where('broadcasts.account_id', '=', accountId)
      .where('broadcasts.id', '=', id)
      .executeTakeFirst();
  },

  /** The row locked for a status change (jobs know only the id; the row carries its account). */
  lock(db: Executor, id: number, accountId?: number): Promise<Broadcast | undefined> {
    let query = db.selectFrom('broadcasts').selectAll().where('id', '=', id);
    if (accountId !== undefined) query = query.where('account_id', '=', accountId);
    return query.forUpdate().executeTakeFirst();
  },

  update(db: Executor, id: number, values: Partial<Omit<Broadcast, 'id' | 'account_id'>>): Promise<Broadcast> {
    return db
      .updateTable('broadcasts')
      .set({ ...values, updated_at: sql`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  },

  /** Running → done, unless something else changed it meanwhile (then undefined). */
  markDone(db: Executor, id: number, at: Date) {
    return db
      .updateTable('broadcasts')
      .set({ status: 'done', finished_at: at, updated_at: sql`now()` })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .returning(['status', 'finished_at'])
      .executeTakeFirst();
  },

  running(db: Executor, accountId: number, exceptId?: number): Promise<Broadcast | undefined> {
    let query = db
      .selectFrom('broadcasts')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('status', '=', 'running');
    if (exceptId !== undefined) query = query.where('id', '<>', exceptId);
    return query.executeTakeFirst();
  },

  /** Who has the label, and how many of them may receive marketing. */
  async audienceSize(db: Executor, accountId: number, label: string): Promise<{ labelled: number; allowed: number }> {
    const [labelled, allowed] = await Promise.all([
      db
        .selectFrom('contacts')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('account_id', '=', accountId)
        .where(sql<boolean>`labels @> ARRAY[${label}]::text[]`)
        .executeTakeFirstOrThrow(),
      audience(db, accountId, label)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow(),
    ]);
    return { labelled: Number(labelled.n), allowed: Number(allowed.n) };
  },

  /** The next `limit` recipients after contact `afterId`, in id order (a run resumes where it stopped). */
  async audienceBatch(db: Executor, accountId: number, label: string, afterId: number, limit: number) {
    const rows = await audience(db, accountId, label)
      .select('c.id')
      .where('c.id', '>', afterId)
      .orderBy('c.id')
      .limit(limit)
      .execute();
    return rows.map((row) => Number(row.id));
  },

  /** How many of the broadcast's notifications are in each status. */
  async statusCounts(db: Executor, broadcastId: number): Promise<Partial<Record<NotificationStatus, number>>> {
    const rows = await db
      .selectFrom('notifications')
      .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
      .where('broadcast_id', '=', broadcastId)
      .groupBy('status')
      .execute();
    return Object.fromEntries(rows.map((row) => [row.status, Number(row.n)]));
  },

  /**
   * Cancels what has not left yet (the delivery job skips a row that is no longer scheduled). The
   * notifier's cancel has no broadcast filter, and `kind` alone would reach every broadcast.
   */
  async cancelScheduled(db: Executor, broadcastId: number, reason: string): Promise<number> {
    const rows = await db
      .updateTable('notifications')
      .set({ status: 'cancelled', reason, updated_at: sql`now()` })
      .where('broadcast_id', '=', broadcastId)
      .where('status', '=', 'scheduled')
      .returning('id')
      .execute();
    return rows.length;
  },

  async notificationCount(db: Executor, broadcastId: number): Promise<number> {
    const row = await db
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('broadcast_id', '=', broadcastId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  },

  async pendingCount(db: Executor, broadcastId: number): Promise<number> {
    const row = await db
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('broadcast_id', '=', broadcastId)
      .where('status', 'in', PENDING)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  },
};
