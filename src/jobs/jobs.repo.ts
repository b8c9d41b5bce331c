import { type Expression, type Kysely, type QueryCreator, sql } from 'kysely';
import type { Db } from '../db/client.js';
import type { Database, Job, JobStatus } from '../db/schema.js';

export interface NewJobRow {
  name: string;
  queue: string;
  payload: unknown;
  status: 'scheduled' | 'queued';
  runAt: Date;
  key: string | null;
  accountId: number | null;
  maxAttempts: number;
}

export interface QueuedRef {
  id: number;
  queue: string;
  name: string;
  /** Attempts spent so far: a remote queue keys each delivery by id and attempt. */
  attempts: number;
}

/** The columns a claim sets: running, one more attempt, leased to `owner` for `leaseMs`. */
const leased = (leaseMs: number, owner: string) => ({
  status: 'running' as const,
  attempts: sql<number>`attempts + 1`,
  locked_until: sql<Date>`now() + make_interval(secs => ${leaseMs / 1000})`,
  locked_by: owner,
  updated_at: sql<Date>`now()`,
});

/** Queries over the job table; every decision about them lives in the job runner and scheduler. */
export function createJobsRepo(db: Db) {
  return {
    /** Inserts jobs; a row whose idempotency key already exists is left alone (and not returned). */
    async insert(executor: Kysely<Database>, rows: NewJobRow[]): Promise<Array<QueuedRef & { status: JobStatus }>> {
      if (rows.length === 0) return [];
      return executor
        .insertInto('jobs')
        .values(
          rows.map((row) => ({
            name: row.name,
            queue: row.queue,
            payload: JSON.stringify(row.payload ?? {}),
            status: row.status,
            run_at: row.runAt,
            idempotency_key: row.key,
            account_id: row.accountId,
            max_attempts: row.maxAttempts,
          })),
        )
        .onConflict((conflict) => conflict.column('idempotency_key').doNothing())
        .returning(['id', 'queue', 'name', 'attempts', 'status'])
        .execute();
    },

    /**
     * Inserts jobs of one kind, one per row of `source` (its `payload` and `account_id`), in a statement
     * `statement` begins: after a data-modifying CTE, the rows the jobs are about and the jobs commit
     * together in one round trip, with no transaction around them. Queued, or with `lease` already leased
     * to this process (to run here at once, as `insertClaimed`).
     */
    async insertFrom<DB extends Database>(
      statement: QueryCreator<DB>,
      kind: { name: string; queue: string; maxAttempts: number },
      source: Expression<{ payload: unknown; account_id: number | null }>,
      lease?: { leaseMs: number; owner: string },
    ): Promise<Job[]> {
      const leasedColumns = lease
        ? ([
            sql<JobStatus>`'running'`.as('status'),
            sql<number>`1`.as('attempts'),
            sql<Date>`now() + make_interval(secs => ${lease.leaseMs / 1000})`.as('locked_until'),
            sql<string>`${lease.owner}`.as('locked_by'),
          ] as const)
        : ([sql<JobStatus>`'queued'`.as('status')] as const);
      // The statement's CTE belongs at its top: the inner SELECT is built without it.
      return (statement as unknown as QueryCreator<Database>)
        .insertInto('jobs')
        .columns([
          'name',
          'queue',
          'payload',
          'run_at',
          'account_id',
          'max_attempts',
          ...(lease ? (['status', 'attempts', 'locked_until', 'locked_by'] as const) : (['status'] as const)),
        ])
        .expression(
          db
            .selectFrom(sql<{ payload: unknown; account_id: number | null }>`(${source})`.as('source'))
            .select([
              sql<string>`${kind.name}`.as('name'),
              sql<string>`${kind.queue}`.as('queue'),
              'source.payload',
              sql<Date>`now()`.as('run_at'),
              'source.account_id',
              sql<number>`${kind.maxAttempts}::int`.as('max_attempts'),
              ...leasedColumns,
            ]),
        )
        .returningAll()
        .execute();
    },

    /**
     * Inserts a job already leased to `owner`, to run in this process once the caller commits (no claim
     * round trip). Undefined when its idempotency key exists: that job runs the usual way.
     */
    async insertClaimed(executor: Kysely<Database>, row: NewJobRow, leaseMs: number, owner: string) {
      return executor
        .insertInto('jobs')
        .values({
          name: row.name,
          queue: row.queue,
          payload: JSON.stringify(row.payload ?? {}),
          run_at: row.runAt,
          idempotency_key: row.key,
          account_id: row.accountId,
          max_attempts: row.maxAttempts,
          ...leased(leaseMs, owner),
          attempts: 1,
        })
        .onConflict((conflict) => conflict.column('idempotency_key').doNothing())
        .returningAll()
        .executeTakeFirst();
    },

    /** Inside a transaction pass its executor: PGlite has one connection, which the transaction holds. */
    async findByKey(key: string, executor: Kysely<Database> = db): Promise<Job | undefined> {
      return executor.selectFrom('jobs').selectAll().where('idempotency_key', '=', key).executeTakeFirst();
    },

    async findById(id: number): Promise<Job | undefined> {
      return db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    },

    /** Leases queued jobs by id (BullMQ hands us ids); ids already taken or finished are not returned. */
    async claimByIds(ids: number[], leaseMs: number, owner: string): Promise<Job[]> {
      if (ids.length === 0) return [];
      return db
        .updateTable('jobs')
        .set(leased(leaseMs, owner))
        .where('id', 'in', ids)
        .where('status', '=', 'queued')
        .returningAll()
        .execute();
    },

    /** Leases up to `limit` queued jobs of the given queues, oldest first, skipping rows others hold. */
    async claimNext(queues: string[], limit: number, leaseMs: number, owner: string): Promise<Job[]> {
      if (limit <= 0 || queues.length === 0) return [];
      return db
        .updateTable('jobs')
        .set(leased(leaseMs, owner))
        .where(
          'id',
          'in',
          db
            .selectFrom('jobs')
            .select('id')
            .where('status', '=', 'queued')
            .where('queue', 'in', queues)
            .orderBy('id')
            .limit(limit)
            .forUpdate()
            .skipLocked(),
        )
        .returningAll()
        .execute();
    },

    /** Extends the leases this process holds on jobs it is still running. */
    async renewLeases(ids: number[], leaseMs: number, owner: string): Promise<void> {
      await db
        .updateTable('jobs')
        .set({ locked_until: sql`now() + make_interval(secs => ${leaseMs / 1000})` })
        .where('id', 'in', ids)
        .where('status', '=', 'running')
        .where('locked_by', '=', owner)
        .execute();
    },

    async markDone(ids: number[]): Promise<void> {
      if (ids.length === 0) return;
      await db
        .updateTable('jobs')
        .set({ status: 'done', finished_at: sql`now()`, locked_until: null, updated_at: sql`now()`, last_error: null })
        .where('id', 'in', ids)
        .where('status', '=', 'running')
        .execute();
    },

    async reschedule(id: number, runAt: Date, error: string): Promise<void> {
      await db
        .updateTable('jobs')
        .set({ status: 'scheduled', run_at: runAt, locked_until: null, last_error: error, updated_at: sql`now()` })
        .where('id', '=', id)
        .where('status', '=', 'running')
        .execute();
    },

    async markDead(id: number, error: string): Promise<void> {
      await db
        .updateTable('jobs')
        .set({ status: 'dead', locked_until: null, last_error: error, updated_at: sql`now()`, finished_at: sql`now()` })
        .where('id', '=', id)
        .where('status', '=', 'running')
        .execute();
    },

    /** Gives jobs this process leased back to the queue (shutdown before they finished). */
    async release(ids: number[]): Promise<QueuedRef[]> {
      if (ids.length === 0) return [];
      return db
        .updateTable('jobs')
        .set({
          status: 'queued',
          locked_until: null,
          locked_by: null,
          attempts: sql`greatest(attempts - 1, 0)`,
          updated_at: sql`now()`,
        })
        .where('id', 'in', ids)
        .where('status', '=', 'running')
        .returning(['id', 'queue', 'name', 'attempts'])
        .execute();
    },

    /** Moves due scheduled jobs to queued; FOR UPDATE SKIP LOCKED lets several schedulers run safely. */
    async promoteDue(limit: number): Promise<QueuedRef[]> {
      return db
        .updateTable('jobs')
        .set({ status: 'queued', updated_at: sql`now()` })
        .where(
          'id',
          'in',
          db
            .selectFrom('jobs')
            .select('id')
            .where('status', '=', 'scheduled')
            .where('run_at', '<=', sql<Date>`now()`)
            .orderBy('run_at')
            .limit(limit)
            .forUpdate()
            .skipLocked(),
        )
        .returning(['id', 'queue', 'name', 'attempts'])
        .execute();
    },

    async nextScheduledAt(): Promise<Date | undefined> {
      const row = await db
        .selectFrom('jobs')
        .select('run_at')
        .where('status', '=', 'scheduled')
        .orderBy('run_at')
        .limit(1)
        .executeTakeFirst();
      return row?.run_at;
    },

    /**
     * Jobs whose lease ran out (their process died): back to queued, or dead when out of attempts.
     * `held` are the jobs the calling process still holds (running, or done and being marked so): a
     * process starved long enough for its lease renewal to be late must not hand its own jobs out again.
     */
    async recoverExpiredLeases(limit: number, held?: { owner: string; ids: number[] }): Promise<QueuedRef[]> {
      let expired = db
        .selectFrom('jobs')
        .select('id')
        .where('status', '=', 'running')
        .where('locked_until', '<', sql<Date>`now()`)
        .limit(limit)
        .forUpdate()
        .skipLocked();
      if (held && held.ids.length > 0) {
        const { owner, ids } = held;
        expired = expired.where((eb) => eb.not(eb.and([eb('locked_by', '=', owner), eb('id', 'in', ids)])));
      }
      await db
        .updateTable('jobs')
        .set({
          status: 'dead',
          locked_until: null,
          last_error: sql`coalesce(last_error, '') || ' [lease expired on the last attempt]'`,
          updated_at: sql`now()`,
          finished_at: sql`now()`,
        })
        .where('id', 'in', expired)
        .where('attempts', '>=', sql<number>`max_attempts`)
        .execute();
      return db
        .updateTable('jobs')
        .set({ status: 'queued', locked_until: null, locked_by: null, updated_at: sql`now()` })
        .where('id', 'in', expired)
        .returning(['id', 'queue', 'name', 'attempts'])
        .execute();
    },

    /** Queued jobs no worker has taken for a while (lost between commit and push, or Redis lost them). */
    async touchStaleQueued(olderThanMs: number, limit: number): Promise<QueuedRef[]> {
      return db
        .updateTable('jobs')
        .set({ updated_at: sql`now()` })
        .where(
          'id',
          'in',
          db
            .selectFrom('jobs')
            .select('id')
            .where('status', '=', 'queued')
            .where('updated_at', '<', sql<Date>`now() - make_interval(secs => ${olderThanMs / 1000})`)
            .orderBy('id')
            .limit(limit)
            .forUpdate()
            .skipLocked(),
        )
        .returning(['id', 'queue', 'name', 'attempts'])
        .execute();
    },

    async deleteFinished(doneOlderThanHours: number, deadOlderThanDays: number): Promise<number> {
      const result = await db
        .deleteFrom('jobs')
        .where((eb) =>
          eb.or([
            eb.and([
              eb('status', '=', 'done'),
              eb('finished_at', '<', sql<Date>`now() - make_interval(hours => ${doneOlderThanHours})`),
            ]),
            eb.and([
              eb('status', '=', 'dead'),
              eb('updated_at', '<', sql<Date>`now() - make_interval(days => ${deadOlderThanDays})`),
            ]),
          ]),
        )
        .executeTakeFirst();
      return Number(result.numDeletedRows ?? 0);
    },

    async list(filter: { status?: JobStatus; accountId?: number; limit: number; offset?: number }): Promise<Job[]> {
      let query = db
        .selectFrom('jobs')
        .selectAll()
        .orderBy('id', 'desc')
        .limit(filter.limit)
        .offset(filter.offset ?? 0);
      if (filter.status) query = query.where('status', '=', filter.status);
      if (filter.accountId !== undefined) query = query.where('account_id', '=', filter.accountId);
      return query.execute();
    },

    /** A dead job back into the queue with a fresh set of attempts. */
    async retryDead(id: number, accountId?: number): Promise<QueuedRef | undefined> {
      let query = db
        .updateTable('jobs')
        .set({ status: 'queued', attempts: 0, locked_until: null, finished_at: null, updated_at: sql`now()` })
        .where('id', '=', id)
        .where('status', '=', 'dead');
      if (accountId !== undefined) query = query.where('account_id', '=', accountId);
      return query.returning(['id', 'queue', 'name', 'attempts']).executeTakeFirst();
    },

    async countByState(): Promise<Array<{ queue: string; status: JobStatus; count: number }>> {
      const rows = await db
        .selectFrom('jobs')
        .select(['queue', 'status', (eb) => eb.fn.countAll<number>().as('count')])
        .groupBy(['queue', 'status'])
        .execute();
      return rows.map((row) => ({ ...row, count: Number(row.count) }));
    },
  };
}

export type JobsRepo = ReturnType<typeof createJobsRepo>;
