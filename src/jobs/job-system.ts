import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { Expression, QueryCreator } from 'kysely';
import type { Db } from '../db/client.js';
import type { Database, Job, JobStatus } from '../db/schema.js';
import type { TxContext } from '../db/transaction.js';
import { createBatcher } from '../shared/batcher.js';
import { type Clock, systemClock } from '../shared/clock.js';
import { randomToken } from '../shared/crypto.js';
import type { Logger } from '../shared/logger.js';
import { type Metrics, registerCollectedGauge } from '../shared/metrics.js';
import { createBullmqDriver } from './drivers/bullmq.driver.js';
import type { JobDriver } from './drivers/job-driver.js';
import { createLocalDriver } from './drivers/local.driver.js';
import { JOB_DEFAULTS, type JobContext, type JobOutcome } from './job-definition.js';
import type { JobName } from './job-names.js';
import type { JobRegistry } from './job-registry.js';
import { createJobRunner } from './job-runner.js';
import { createJobScheduler, type SchedulerOptions } from './job-scheduler.js';
import { createJobsRepo, type NewJobRow, type QueuedRef } from './jobs.repo.js';

export interface EnqueueOptions {
  /** Run no earlier than this (a delayed job: it waits in `scheduled` until the scheduler promotes it). */
  runAt?: Date;
  delayMs?: number;
  /** Idempotency key: a second enqueue with the same key is ignored and returns the first job. */
  key?: string;
  accountId?: number | null;
  maxAttempts?: number;
  /** Enqueue inside this transaction; the push happens only after it commits. */
  tx?: TxContext;
}

export interface EnqueueResult {
  id: number;
  created: boolean;
}

export interface JobSystemDeps {
  db: Db;
  /** Optional here: services that enqueue are built before the handlers that need them (see `setRegistry`). */
  registry?: JobRegistry;
  logger: Logger;
  metrics: Metrics;
  clock?: Clock;
  /** Producer connection and a factory for workers' blocking connections; null = in-process driver. */
  redis: { producer: Redis; workerConnection: () => Redis } | null;
  concurrency?: number;
  scheduler?: SchedulerOptions;
  /** How long a running job's row stays leased without renewal (renewed every third of it). */
  leaseMs?: number;
  /** Key prefix in Redis, so several installations (or test runs) can share one server. */
  redisPrefix?: string;
}

/** The job layer: durable rows in `jobs`, delivered by BullMQ or in process, with one enqueue API. */
export function createJobSystem(deps: JobSystemDeps) {
  const clock = deps.clock ?? systemClock;
  const repo = createJobsRepo(deps.db);
  const owner = `${hostname()}:${process.pid}:${randomToken('', 4)}`;
  // Leases are short and renewed while a job runs, so a job whose process died is recovered quickly.
  const leaseMs = deps.leaseMs ?? 30_000;
  const logger = deps.logger.child({ component: 'jobs' });

  const driver: JobDriver = deps.redis
    ? createBullmqDriver({ repo, logger, ...deps.redis, leaseMs, owner, prefix: deps.redisPrefix ?? 'santana' })
    : createLocalDriver({ repo, logger, leaseMs, owner });
  // Jobs that finished and wait for their batched "done": still this process's, their lease still renewed.
  const completing = new Set<number>();
  // Jobs enqueued leased to this process (enqueueClaimed) that runClaimed has not started yet.
  const claimedHere = new Set<number>();
  const held = () => ({ owner, ids: [...runner.activeIds(), ...completing, ...claimedHere] });
  const scheduler = createJobScheduler({ repo, driver, logger, held }, deps.scheduler);
  const completions = createBatcher<number, true>({
    flush: async (ids) => {
      await repo.markDone(ids);
      return new Map(ids.map((id) => [id, true as const]));
    },
    fallback: true,
  });
  let registry: JobRegistry | undefined = deps.registry;
  const requireRegistry = () => {
    if (!registry)
      throw new Error('The job registry is not set: call setRegistry() before enqueueing or starting workers');
    return registry;
  };
  const runner = createJobRunner({
    registry: { get: (name) => requireRegistry().get(name) },
    repo,
    logger,
    metrics: deps.metrics,
    clock,
    onRescheduled: (runAt) => scheduler.wakeAt(runAt),
    complete: (id) => {
      completing.add(id);
      completions
        .load(id)
        .catch((error) => logger.warn({ err: error, jobId: id }, 'Could not mark a job done; it will run again'))
        .finally(() => completing.delete(id));
    },
  });
  let consuming = false;
  // The queues this process's workers take jobs from (startWorker).
  let consumedQueues = new Set<string>();
  // Jobs enqueueFrom started here, by queue: up to the queue's concurrency, as a worker would take them.
  const startedHere = new Map<string, number>();
  let scheduling = false;
  let renewTimer: NodeJS.Timeout | undefined;

  async function renewLeases() {
    const { ids } = held();
    if (ids.length === 0) return;
    try {
      await repo.renewLeases(ids, leaseMs, owner);
    } catch (error) {
      logger.warn({ err: error }, 'Could not renew job leases');
    }
  }

  registerCollectedGauge(deps.metrics, {
    name: 'jobs',
    help: 'Jobs in the table by queue and state',
    labelNames: ['queue', 'state'] as const,
    collect: async (gauge) => {
      for (const row of await repo.countByState()) gauge.set({ queue: row.queue, state: row.status }, row.count);
    },
  });

  function toRow(name: JobName, payload: unknown, options: EnqueueOptions): NewJobRow {
    const definition = requireRegistry().require(name);
    const parsed = definition.schema.parse(payload);
    const runAt = options.runAt ?? new Date(clock.now().getTime() + (options.delayMs ?? 0));
    return {
      name,
      queue: definition.queue ?? JOB_DEFAULTS.queue,
      payload: parsed,
      status: runAt.getTime() > clock.now().getTime() ? 'scheduled' : 'queued',
      runAt,
      key: options.key ?? null,
      accountId: options.accountId ?? null,
      maxAttempts: options.maxAttempts ?? definition.maxAttempts ?? JOB_DEFAULTS.maxAttempts,
    };
  }

  async function afterInsert(inserted: Array<QueuedRef & { status: JobStatus }>, rows: NewJobRow[], tx?: TxContext) {
    const ready = inserted.filter((job) => job.status === 'queued');
    const push = () => driver.push(ready);
    const earliest = rows.filter((row) => row.status === 'scheduled').map((row) => row.runAt);
    const wake = () => {
      for (const runAt of earliest) scheduler.wakeAt(runAt);
    };
    if (tx) {
      if (ready.length > 0) tx.afterCommit(push);
      tx.afterCommit(wake);
    } else {
      if (ready.length > 0) await push();
      wake();
    }
  }

  return {
    repo,
    driverKind: driver.kind,

    /** Sets the job definitions (once every service their handlers use exists). */
    setRegistry(value: JobRegistry) {
      registry = value;
    },

    /** A job's definition (tests run a handler directly to race it against itself). */
    definition: (name: JobName) => requireRegistry().require(name),

    /** Validates the payload against the job's schema, commits the row, then hands its id to the driver. */
    async enqueue(name: JobName, payload: unknown, options: EnqueueOptions = {}): Promise<EnqueueResult> {
      const row = toRow(name, payload, options);
      const [inserted] = await repo.insert(options.tx?.trx ?? deps.db, [row]);
      if (!inserted) {
        const existing = row.key ? await repo.findByKey(row.key, options.tx?.trx) : undefined;
        if (!existing) throw new Error(`Job with key ${row.key} vanished while enqueuing`);
        return { id: existing.id, created: false };
      }
      await afterInsert([inserted], [row], options.tx);
      return { id: inserted.id, created: true };
    },

    /**
     * Enqueues a job leased to this process, for the caller to run with `runClaimed` right after `tx`
     * commits: no push, no claim, and the caller may hand it what it already read. If this process dies
     * first, the lease runs out and the sweep queues it like any job. Null (the job is then queued as
     * usual, or already existed) when this process runs no workers or the key is taken.
     */
    async enqueueClaimed(
      name: JobName,
      payload: unknown,
      options: EnqueueOptions & { tx: TxContext },
    ): Promise<Job | null> {
      if (!consuming) {
        await this.enqueue(name, payload, options);
        return null;
      }
      const row = toRow(name, payload, { ...options, runAt: undefined, delayMs: undefined });
      const job = await repo.insertClaimed(options.tx.trx, row, leaseMs, owner);
      if (!job) return null;
      // Held until runClaimed starts it (an id whose transaction rolls back names no row: holding it is harmless).
      claimedHere.add(job.id);
      return job;
    },

    /**
     * Runs a job from `enqueueClaimed` here, with the usual bookkeeping (lease renewal, timeout, retries,
     * completion); `run` may replace the handler with one that reuses data the caller holds.
     */
    async runClaimed(job: Job, run?: (context: JobContext) => Promise<JobOutcome>): Promise<void> {
      if (!consuming || runner.isStopping()) {
        claimedHere.delete(job.id);
        // Shutting down: give it back to the queue rather than start it now.
        await driver.push(await repo.release([job.id]));
        return;
      }
      // execute() counts the job as active before its first await: it stays held throughout.
      const running = runner.execute(job, run);
      claimedHere.delete(job.id);
      await running;
    },

    /**
     * Enqueues one job of `name` per row of `source` (its `payload` and `account_id`) in the statement
     * `statement` begins, which it runs: see `JobsRepo.insertFrom`. Queued jobs are pushed without awaiting
     * the push, since they are committed already (the scheduler's sweep pushes any it misses); the payloads
     * are checked by the runner, like every job's.
     */
    async enqueueFrom<DB extends Database>(
      name: JobName,
      statement: QueryCreator<DB>,
      source: Expression<{ payload: unknown; account_id: number | null }>,
    ): Promise<number> {
      const definition = requireRegistry().require(name);
      const queue = definition.queue ?? JOB_DEFAULTS.queue;
      const kind = { name, queue, maxAttempts: definition.maxAttempts ?? JOB_DEFAULTS.maxAttempts };
      const limit = requireRegistry().concurrencyOf(queue) ?? deps.concurrency ?? 16;
      const runHere =
        consuming && consumedQueues.has(queue) && !runner.isStopping() && (startedHere.get(queue) ?? 0) < limit;
      if (!runHere) {
        const inserted = await repo.insertFrom(statement, kind, source);
        if (inserted.length > 0) void driver.push(inserted);
        return inserted.length;
      }
      // This process runs the queue and has a free slot: the jobs are inserted leased to it and start at
      // once, with no trip through the queue (no push, no claim). If it dies first, their leases run out
      // and the sweep queues them like any job's.
      const claimed = await repo.insertFrom(statement, kind, source, { leaseMs, owner });
      for (const job of claimed) {
        claimedHere.add(job.id);
        startedHere.set(queue, (startedHere.get(queue) ?? 0) + 1);
        void this.runClaimed(job)
          .catch((error) => logger.warn({ err: error, jobId: job.id }, 'Could not finish a job; it will run again'))
          .finally(() => startedHere.set(queue, (startedHere.get(queue) ?? 1) - 1));
      }
      return claimed.length;
    },

    async enqueueMany(
      items: Array<{ name: JobName; payload: unknown; options?: Omit<EnqueueOptions, 'tx'> }>,
      tx?: TxContext,
    ): Promise<number> {
      const rows = items.map((item) => toRow(item.name, item.payload, item.options ?? {}));
      let created = 0;
      for (let start = 0; start < rows.length; start += 1000) {
        const chunk = rows.slice(start, start + 1000);
        const inserted = await repo.insert(tx?.trx ?? deps.db, chunk);
        created += inserted.length;
        await afterInsert(inserted, chunk, tx);
      }
      return created;
    },

    startWorker(options: { concurrency?: number; queues?: string[] } = {}) {
      consuming = true;
      consumedQueues = new Set(options.queues ?? requireRegistry().queues());
      renewTimer = setInterval(() => void renewLeases(), Math.max(100, Math.floor(leaseMs / 3)));
      return driver.startConsuming(runner, {
        queues: options.queues ?? requireRegistry().queues(),
        concurrency: options.concurrency ?? deps.concurrency ?? 16,
        concurrencyOf: (queue) => requireRegistry().concurrencyOf(queue),
      });
    },

    startScheduler() {
      scheduling = true;
      scheduler.start();
    },

    scheduler,

    async retryDead(id: number, accountId?: number): Promise<boolean> {
      const job = await repo.retryDead(id, accountId);
      if (job) await driver.push([job]);
      return job !== undefined;
    },

    async find(id: number, accountId: number): Promise<Job | undefined> {
      const job = await repo.findById(id);
      return job?.account_id === accountId ? job : undefined;
    },

    async list(filter: { status?: JobStatus; accountId?: number; limit?: number; offset?: number }): Promise<Job[]> {
      return repo.list({ ...filter, limit: filter.limit ?? 50 });
    },

    /**
     * Graceful stop: no new jobs are taken, running ones get `graceMs` to finish; what is still
     * running then is aborted and given back to the queue, so it runs once, elsewhere or after restart.
     */
    async stop(graceMs: number) {
      if (scheduling) await scheduler.stop();
      if (consuming) {
        clearInterval(renewTimer);
        const stopped = driver.stopConsuming();
        const deadline = Date.now() + graceMs;
        while (runner.activeCount() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        const interrupted = runner.abortActive();
        const settleBy = Date.now() + 2000;
        while (runner.activeCount() > 0 && Date.now() < settleBy) await new Promise((r) => setTimeout(r, 10));
        await stopped;
        await completions.flushNow();
        if (interrupted.length > 0) {
          const released = await repo.release(interrupted);
          logger.warn({ count: released.length }, 'Returned unfinished jobs to the queue');
          await driver.push(released);
        }
      }
      await driver.close();
    },
  };
}

export type JobSystem = ReturnType<typeof createJobSystem>;

/** Listing and retrying jobs without running any (the CLI, while the service runs elsewhere). */
export function createJobAdmin(deps: {
  db: Db;
  logger: Logger;
  redis: { producer: Redis; workerConnection: () => Redis } | null;
  redisPrefix?: string;
}) {
  const repo = createJobsRepo(deps.db);
  const driver: JobDriver = deps.redis
    ? createBullmqDriver({
        repo,
        logger: deps.logger,
        ...deps.redis,
        leaseMs: 0,
        owner: 'cli',
        prefix: deps.redisPrefix ?? 'santana',
      })
    : createLocalDriver({ repo, logger: deps.logger, leaseMs: 0, owner: 'cli' });
  return {
    list: (filter: { status?: JobStatus; limit: number }) => repo.list(filter),
    async retryDead(id: number): Promise<boolean> {
      const job = await repo.retryDead(id);
      if (job) await driver.push([job]);
      return job !== undefined;
    },
    close: () => driver.close(),
  };
}
