import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineJob, type JobDefinition, PermanentJobError } from '../../src/jobs/job-definition.js';
import { createJobRegistry } from '../../src/jobs/job-registry.js';
import { createJobSystem, type JobSystem } from '../../src/jobs/job-system.js';
import { createRateLimiter } from '../../src/jobs/rate-limiter.js';
import { sleep } from '../../src/shared/clock.js';
import { createLogger } from '../../src/shared/logger.js';
import { createMetrics } from '../../src/shared/metrics.js';
import { createRedisConnections, type RedisConnections } from '../../src/shared/redis.js';
import { eventually } from '../helpers/eventually.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { testRedisUrl } from '../helpers/test-database.js';

let t: TestApp;
const started: Array<{ jobs: JobSystem; redis: RedisConnections | null }> = [];

beforeAll(async () => {
  t = await createTestApp();
});
afterEach(async () => {
  for (const { jobs, redis } of started.splice(0)) {
    await jobs.stop(100);
    await redis?.close();
  }
  await t.db.deleteFrom('jobs').execute();
});
afterAll(async () => {
  await t.close();
});

const Payload = z.object({ n: z.number() });

/** A job system on this test's database with test-only job definitions, on this project's driver. */
function startJobs(definitions: JobDefinition[], options: { start?: boolean; leaseMs?: number } = {}) {
  const redis = testRedisUrl ? createRedisConnections(testRedisUrl, createLogger('silent')) : null;
  const jobs = createJobSystem({
    db: t.db,
    registry: createJobRegistry(
      definitions,
      definitions.map((definition) => definition.name),
    ),
    logger: createLogger('silent'),
    metrics: createMetrics(),
    redis: redis ? { producer: redis.client, workerConnection: redis.workerConnection } : null,
    redisPrefix: `jobs-test-${Math.random().toString(36).slice(2)}`,
    scheduler: { tickMs: 30, sweepMs: 100, staleQueuedMs: 200 },
    leaseMs: options.leaseMs,
  });
  started.push({ jobs, redis });
  if (options.start !== false) {
    void jobs.startWorker({ concurrency: 8 });
    jobs.startScheduler();
  }
  return jobs;
}

const jobRow = (id: number) => t.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const whenStatus = (id: number, status: string) =>
  eventually(async () => ((await jobRow(id)).status === status ? jobRow(id) : undefined));

describe('the job layer', () => {
  it('runs an enqueued job once and marks it done', async () => {
    const seen: number[] = [];
    const jobs = startJobs([
      defineJob({
        name: 'test.record',
        schema: Payload,
        handler: async ({ n }) => {
          seen.push(n);
          return 'done';
        },
      }),
    ]);
    const { id } = await jobs.enqueue('test.record' as never, { n: 7 });
    const row = await whenStatus(id, 'done');
    expect(seen).toEqual([7]);
    expect(row).toMatchObject({ attempts: 1, last_error: null });
  });

  it('validates the payload against the job schema before storing anything', async () => {
    const jobs = startJobs([defineJob({ name: 'test.record', schema: Payload, handler: async () => 'done' })], {
      start: false,
    });
    await expect(jobs.enqueue('test.record' as never, { n: 'sete' })).rejects.toThrow();
    expect(await t.db.selectFrom('jobs').selectAll().execute()).toHaveLength(0);
  });

  it('refuses to enqueue a job nobody handles', async () => {
    const jobs = startJobs([defineJob({ name: 'test.record', schema: Payload, handler: async () => 'done' })], {
      start: false,
    });
    await expect(jobs.enqueue('test.unknown' as never, { n: 1 })).rejects.toThrow(/No handler/);
  });

  it('stores one job per idempotency key, however often it is enqueued', async () => {
    let calls = 0;
    const jobs = startJobs([
      defineJob({
        name: 'test.record',
        schema: Payload,
        handler: async () => {
          calls++;
          return 'done';
        },
      }),
    ]);
    const first = await jobs.enqueue('test.record' as never, { n: 1 }, { key: 'event:42:reminder' });
    const second = await jobs.enqueue('test.record' as never, { n: 1 }, { key: 'event:42:reminder' });
    expect(second).toEqual({ id: first.id, created: false });
    await whenStatus(first.id, 'done');
    await sleep(150);
    expect(calls).toBe(1);
  });

  it('holds a delayed job until its time, then runs it', async () => {
    let ranAt = 0;
    const jobs = startJobs([
      defineJob({
        name: 'test.record',
        schema: Payload,
        handler: async () => {
          ranAt = Date.now();
          return 'done';
        },
      }),
    ]);
    const runAt = new Date(Date.now() + 400);
    const { id } = await jobs.enqueue('test.record' as never, { n: 1 }, { runAt });
    expect((await jobRow(id)).status).toBe('scheduled');
    await whenStatus(id, 'done');
    // Timestamps come from the database clock; allow a few ms of skew between it and ours.
    expect(ranAt).toBeGreaterThanOrEqual(runAt.getTime() - 20);
  });

  it('retries a failing job with backoff until it succeeds', async () => {
    let calls = 0;
    const jobs = startJobs([
      defineJob({
        name: 'test.flaky',
        schema: Payload,
        backoff: { baseMs: 40, maxMs: 200 },
        async handler() {
          calls++;
          if (calls < 3) throw new Error(`falha ${calls}`);
          return 'done';
        },
      }),
    ]);
    const { id } = await jobs.enqueue('test.flaky' as never, { n: 1 });
    const row = await whenStatus(id, 'done');
    expect(calls).toBe(3);
    expect(row.attempts).toBe(3);
  });

  it('moves a job that used up its attempts to dead, where it can be listed and retried', async () => {
    let succeed = false;
    const jobs = startJobs([
      defineJob({
        name: 'test.flaky',
        schema: Payload,
        maxAttempts: 2,
        backoff: { baseMs: 20, maxMs: 50 },
        async handler() {
          if (!succeed) throw new Error('Graph API fora do ar');
          return 'done';
        },
      }),
    ]);
    const { id } = await jobs.enqueue('test.flaky' as never, { n: 1 });
    const dead = await whenStatus(id, 'dead');
    expect(dead.attempts).toBe(2);
    expect(dead.last_error).toContain('Graph API fora do ar');
    expect((await jobs.list({ status: 'dead' })).map((job) => job.id)).toContain(id);

    succeed = true;
    expect(await jobs.retryDead(id)).toBe(true);
    expect((await whenStatus(id, 'done')).attempts).toBe(1);
  });

  it('does not retry a permanent failure', async () => {
    let calls = 0;
    const jobs = startJobs([
      defineJob({
        name: 'test.permanent',
        schema: Payload,
        async handler() {
          calls++;
          throw new PermanentJobError('131026: número sem WhatsApp');
        },
      }),
    ]);
    const { id } = await jobs.enqueue('test.permanent' as never, { n: 1 });
    const row = await whenStatus(id, 'dead');
    expect(calls).toBe(1);
    expect(row.last_error).toContain('131026');
  });

  it('counts a handler that exceeds its timeout as a failed attempt', async () => {
    let calls = 0;
    const jobs = startJobs([
      defineJob({
        name: 'test.slow',
        schema: Payload,
        timeoutMs: 100,
        backoff: { baseMs: 20, maxMs: 40 },
        async handler(_payload, { signal }) {
          calls++;
          if (calls === 1) await sleep(5_000, signal);
          return 'done';
        },
      }),
    ]);
    const { id } = await jobs.enqueue('test.slow' as never, { n: 1 });
    const row = await whenStatus(id, 'done');
    expect(row.attempts).toBe(2);
  });

  it('recovers a job whose worker died mid-run (expired lease) and runs it again', async () => {
    const seen: number[] = [];
    startJobs([
      defineJob({
        name: 'test.record',
        schema: Payload,
        handler: async ({ n }) => {
          seen.push(n);
          return 'done';
        },
      }),
    ]);
    const [row] = await t.db
      .insertInto('jobs')
      .values({
        name: 'test.record',
        queue: 'default',
        payload: JSON.stringify({ n: 99 }),
        status: 'running',
        attempts: 1,
        locked_until: sql`now() - interval '1 second'`,
        locked_by: 'a-dead-process',
      })
      .returning('id')
      .execute();
    const done = await whenStatus(row?.id ?? 0, 'done');
    expect(seen).toEqual([99]);
    expect(done.attempts).toBe(2);
  });

  it('runs a committed job whose push was lost (crash between commit and push)', async () => {
    const seen: number[] = [];
    startJobs([
      defineJob({
        name: 'test.record',
        schema: Payload,
        handler: async ({ n }) => {
          seen.push(n);
          return 'done';
        },
      }),
    ]);
    const [row] = await t.db
      .insertInto('jobs')
      .values({ name: 'test.record', queue: 'default', payload: JSON.stringify({ n: 5 }), status: 'queued' })
      .returning('id')
      .execute();
    await whenStatus(row?.id ?? 0, 'done');
    expect(seen).toEqual([5]);
  });

  it('keeps renewing the lease of a long job so it is not run twice', async () => {
    let calls = 0;
    const jobs = startJobs(
      [
        defineJob({
          name: 'test.long',
          schema: Payload,
          async handler() {
            calls++;
            await sleep(700);
            return 'done';
          },
        }),
      ],
      { leaseMs: 150 },
    );
    const { id } = await jobs.enqueue('test.long' as never, { n: 1 });
    await whenStatus(id, 'done');
    expect(calls).toBe(1);
  });

  it('never hands out again a job its own process is still running, even when the lease renewal is late', async () => {
    let calls = 0;
    const jobs = startJobs([
      defineJob({
        name: 'test.starved',
        schema: Payload,
        async handler() {
          calls++;
          // A starved process: its lease has run out before the renewal could run (here: taken away by hand).
          await t.db.updateTable('jobs').set({ locked_until: sql`now() - interval '1 second'` }).execute();
          await sleep(600); // several sweeps (every 100 ms) see the expired lease
          return 'done';
        },
      }),
    ]);
    const { id } = await jobs.enqueue('test.starved' as never, { n: 1 });
    const done = await whenStatus(id, 'done');
    expect(calls).toBe(1);
    expect(done.attempts).toBe(1);
  });

  it('gives an interrupted job back to the queue on shutdown, without spending an attempt', async () => {
    const jobs = startJobs([
      defineJob({
        name: 'test.long',
        schema: Payload,
        async handler(_payload, { signal }) {
          await sleep(10_000, signal);
          if (signal.aborted) throw signal.reason;
          return 'done';
        },
      }),
    ]);
    const { id } = await jobs.enqueue('test.long' as never, { n: 1 });
    await whenStatus(id, 'running');
    await jobs.stop(50);
    started.pop();
    const row = await jobRow(id);
    expect(row.status).toBe('queued');
    expect(row.attempts).toBe(0);
  });

  it('lets a running job finish when the shutdown grace period allows it', async () => {
    const jobs = startJobs([
      defineJob({
        name: 'test.long',
        schema: Payload,
        async handler() {
          await sleep(300);
          return 'done';
        },
      }),
    ]);
    const { id } = await jobs.enqueue('test.long' as never, { n: 1 });
    await whenStatus(id, 'running');
    await jobs.stop(5_000);
    started.pop();
    expect((await jobRow(id)).status).toBe('done');
  });

  it('runs each job exactly once when two workers share the table', async () => {
    const counts = new Map<number, number>();
    const definition = defineJob({
      name: 'test.record',
      schema: Payload,
      handler: async ({ n }) => {
        counts.set(n, (counts.get(n) ?? 0) + 1);
        return 'done';
      },
    });
    const a = startJobs([definition]);
    startJobs([definition]);
    await a.enqueueMany(Array.from({ length: 300 }, (_, n) => ({ name: 'test.record' as never, payload: { n } })));
    await eventually(async () => {
      const row = await t.db
        .selectFrom('jobs')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'done')
        .executeTakeFirstOrThrow();
      return Number(row.n) === 300;
    });
    expect(counts.size).toBe(300);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
  });
});

describe('the per-key rate limiter', () => {
  it('lets through at most the configured number per second for a key, independently per key', async () => {
    const redis = testRedisUrl ? createRedisConnections(testRedisUrl, createLogger('silent')) : null;
    const limiter = createRateLimiter(redis ? { client: redis.client, prefix: `rl-test-${Math.random()}` } : null);
    const start = Date.now();
    const acquiredAt: number[] = [];
    await Promise.all(
      Array.from({ length: 8 }, () =>
        limiter.acquire('5511999990000', 5).then(() => acquiredAt.push(Date.now() - start)),
      ),
    );
    await limiter.acquire('5511888880000', 5);
    const otherKeyAt = Date.now() - start;
    await redis?.close();
    const firstSecond = acquiredAt.filter((ms) => ms < 900).length;
    expect(firstSecond).toBe(5);
    expect(acquiredAt).toHaveLength(8);
    expect(otherKeyAt).toBeGreaterThanOrEqual(Math.max(...acquiredAt.slice(0, 5)));
  });
});

describe('jobs in the API (administrators)', () => {
  it('runs a probe job, shows dead jobs of the account and retries one', async () => {
    const admin = await t.signIn();
    await t.app.jobs.startWorker();
    t.app.jobs.startScheduler();
    const probe = await t.inject({
      method: 'POST',
      url: '/api/v1/accounts/1/jobs/probe',
      headers: admin.tokenHeaders,
      payload: {},
    });
    expect(probe.statusCode).toBe(202);
    await whenStatus(probe.json().id, 'done');

    const [dead] = await t.db
      .insertInto('jobs')
      .values({
        account_id: 1,
        name: 'system.probe',
        queue: 'default',
        payload: JSON.stringify({}),
        status: 'dead',
        attempts: 10,
        last_error: 'Error: boom',
      })
      .returning('id')
      .execute();
    const list = await t.inject({
      method: 'GET',
      url: '/api/v1/accounts/1/jobs?status=dead',
      headers: admin.tokenHeaders,
    });
    expect(list.json().payload).toContainEqual(
      expect.objectContaining({ id: dead?.id, status: 'dead', last_error: 'Error: boom' }),
    );
    const retry = await t.inject({
      method: 'POST',
      url: `/api/v1/accounts/1/jobs/${dead?.id}/retry`,
      headers: admin.tokenHeaders,
    });
    expect(retry.statusCode).toBe(200);
    await whenStatus(dead?.id ?? 0, 'done');
    const again = await t.inject({
      method: 'POST',
      url: `/api/v1/accounts/1/jobs/${dead?.id}/retry`,
      headers: admin.tokenHeaders,
    });
    expect(again.statusCode).toBe(404);
  });
});
