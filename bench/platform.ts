/**
 * `npm run bench:platform`: the platform's performance figures beside their targets.
 *
 * Prints figures, never fails on a slow machine: every figure is shown with its target and ✓/✗, and
 * the exit code is 0 unless a section could not run at all (a crash, PostgreSQL or Redis unreachable).
 * It creates and drops its own databases (santana_bench_<random>…) and uses its own Redis key prefix.
 *
 *   npm run bench:platform                 everything (about 2–3 minutes)
 *   npm run bench:platform -- http jobs    only some sections: postgres, http, pglite, jobs
 *
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) must be allowed to create databases;
 * REDIS_URL defaults to redis://127.0.0.1:6379.
 */
import { cpSync, rmSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { type DatabaseHandle, openDatabase, openPglite } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';
import { createJobRegistry } from '../src/jobs/job-registry.js';
import { createJobSystem } from '../src/jobs/job-system.js';
import { systemProbeJob } from '../src/jobs/system-probe.job.js';
import { createLogger } from '../src/shared/logger.js';
import { createMetrics } from '../src/shared/metrics.js';
import { createRedisConnections } from '../src/shared/redis.js';
import {
  createScratchDatabase,
  DATABASE_URL,
  databaseUrl,
  dropScratchDatabases,
  fmtInt,
  fmtMb,
  fmtMs,
  killChildren,
  median,
  print,
  REDIS_URL,
  RUN_ID,
  record,
  rssMb,
  runSections,
  type Server,
  scratchDir,
  sleep,
  startRawPglite,
  startSantana,
  withAdmin,
} from './support.js';

const COLD_RUNS = 5;
const IDLE_MS = 3000;
const HTTP_CONNECTIONS = 64;
const HTTP_WARMUP_S = 3;
const HTTP_DURATION_S = 10;
const JOB_COUNT = 20_000;
const JOB_CHUNK = 1000;
const JOB_CONCURRENCY = 64;
const JOB_TIMEOUT_MS = 120_000;

const ADMIN_EMAIL = 'bench@santana.local';
const ADMIN_PASSWORD = `bench-${RUN_ID}-password`;
const REDIS_PREFIX = `santana_bench_${RUN_ID}`;

const silent = createLogger('silent');
const dirs: string[] = [];
const tempDir = (label: string) => {
  const dir = scratchDir(label);
  dirs.push(dir);
  return dir;
};

// ---------------------------------------------------------------------------------------------------
// Cold start and idle RSS

/** Starts Santana `runs` times: time to /readyz 200, Santana's own startupMs, then RSS after IDLE_MS. */
async function coldStarts(
  runs: number,
  start: (run: number) => Promise<Server>,
  between?: (run: number) => Promise<void>,
): Promise<{ readyMs: number[]; startupMs: number[]; rss: number[] }> {
  const readyMs: number[] = [];
  const startupMs: number[] = [];
  const rss: number[] = [];
  for (let run = 0; run < runs; run++) {
    const server = await start(run);
    readyMs.push(server.readyMs);
    const own = server.startupMs();
    if (own !== undefined) startupMs.push(own);
    await sleep(IDLE_MS);
    rss.push(rssMb(server.pid));
    const exit = await server.stop();
    if (exit.code !== 0)
      print(`    (run ${run + 1}: santana exited with ${exit.code ?? exit.signal}; see ${server.logFile})`);
    await between?.(run);
  }
  return { readyMs, startupMs, rss };
}

const runsText = (values: number[], fmt: (v: number) => string) => `[${values.map(fmt).join(', ')}]`;

async function postgresSection(): Promise<void> {
  print('\n▸ Cold start and idle RSS on PostgreSQL (node bin/santana.js serve --role=all)');
  const name = await createScratchDatabase();
  const dataDir = tempDir('pg');
  const env = { DATABASE_URL: databaseUrl(name), ADMIN_EMAIL, ADMIN_PASSWORD };
  // First start migrates and seeds the administrator; it is not measured.
  await (await startSantana({ env, dataDir, label: 'pg-first' })).stop();

  const pg = await coldStarts(COLD_RUNS, (run) => startSantana({ env, dataDir, label: `pg-${run}` }));
  const ready = median(pg.readyMs);
  print(
    `    runs: ${runsText(pg.readyMs, fmtMs)}; Santana's own startupMs (createApp + listen): ${fmtMs(median(pg.startupMs))}`,
  );
  record({
    figure: 'Cold start to /readyz 200, PostgreSQL (median)',
    value: fmtMs(ready),
    target: '< 1.5 s',
    ok: ready < 1500,
  });
  const rss = median(pg.rss);
  print(`    RSS per run: ${runsText(pg.rss, fmtMb)}`);
  record({ figure: 'Idle RSS --role=all, PostgreSQL (median)', value: fmtMb(rss), target: '< 150 MB', ok: rss < 150 });

  // For information: the same with Redis, i.e. the BullMQ driver and Redis-backed throttles.
  const withRedis = { ...env, REDIS_URL, REDIS_PREFIX: `${REDIS_PREFIX}_serve` };
  const redis = await coldStarts(3, (run) => startSantana({ env: withRedis, dataDir, label: `pg-redis-${run}` }));
  record({
    figure: 'Cold start to /readyz 200, PostgreSQL + Redis (median of 3)',
    value: fmtMs(median(redis.readyMs)),
    target: '',
    ok: null,
  });
  record({
    figure: 'Idle RSS --role=all, PostgreSQL + Redis (median of 3)',
    value: fmtMb(median(redis.rss)),
    target: '',
    ok: null,
  });
}

async function pgliteSection(): Promise<void> {
  print('\n▸ Cold start and idle RSS on the embedded default (PGlite in DATA_DIR, not first start)');
  const dataDir = tempDir('pglite');
  const pgliteDir = path.join(dataDir, 'pglite');
  const env = { ADMIN_EMAIL, ADMIN_PASSWORD };
  // First start creates the cluster, migrates and seeds; afterwards DATA_DIR exists.
  await (await startSantana({ env, dataDir, label: 'pglite-first' })).stop();

  // Santana and raw PGlite alternate, so drift on the machine hits both alike.
  const rawReady: number[] = [];
  const santana = await coldStarts(
    COLD_RUNS,
    (run) => startSantana({ env, dataDir, label: `pglite-${run}` }),
    async () => {
      const raw = await startRawPglite(pgliteDir, 'open');
      rawReady.push(raw.readyMs);
      await raw.stop();
    },
  );
  const santanaReady = median(santana.readyMs);
  const rawMedian = median(rawReady);
  print(`    Santana runs: ${runsText(santana.readyMs, fmtMs)}; own startupMs: ${fmtMs(median(santana.startupMs))}`);
  print(`    raw PGlite runs (spawn → open + SELECT 1): ${runsText(rawReady, fmtMs)}`);
  record({ figure: 'Cold start to /readyz 200, PGlite (median)', value: fmtMs(santanaReady), target: '', ok: null });
  record({ figure: 'Raw PGlite open + SELECT 1, same dir (median)', value: fmtMs(rawMedian), target: '', ok: null });
  const extra = santanaReady - rawMedian;
  record({
    figure: 'Cold start, PGlite: Santana minus raw PGlite',
    value: `+${fmtMs(extra)}`,
    target: '≤ +1 s',
    ok: extra <= 1000,
  });

  // Raw PGlite's RSS: a copy of the same data directory, a small load of queries, then the same idle time.
  const rawRss: number[] = [];
  for (let run = 0; run < 3; run++) {
    const copy = path.join(tempDir('pglite-copy'), 'pglite');
    cpSync(pgliteDir, copy, { recursive: true, filter: (source) => path.basename(source) !== 'santana.lock' });
    const raw = await startRawPglite(copy, 'load');
    await raw.waitFor('loaded');
    await sleep(IDLE_MS);
    rawRss.push(rssMb(raw.pid));
    await raw.stop();
  }
  const santanaRss = median(santana.rss);
  const rawRssMedian = median(rawRss);
  print(`    Santana RSS per run: ${runsText(santana.rss, fmtMb)}; raw PGlite: ${runsText(rawRss, fmtMb)}`);
  record({ figure: 'Idle RSS --role=all, PGlite (median)', value: fmtMb(santanaRss), target: '', ok: null });
  record({ figure: 'Raw PGlite RSS after a small load (median)', value: fmtMb(rawRssMedian), target: '', ok: null });
  const rssExtra = santanaRss - rawRssMedian;
  record({
    figure: 'Idle RSS, PGlite: Santana minus raw PGlite',
    value: `+${fmtMb(rssExtra)}`,
    target: '≤ +100 MB',
    ok: rssExtra <= 100,
  });
}

// ---------------------------------------------------------------------------------------------------
// HTTP

async function load(url: string, headers: Record<string, string>, duration: number) {
  return autocannon({ url, connections: HTTP_CONNECTIONS, duration, headers, timeout: 10 });
}

async function httpSection(): Promise<void> {
  print(`\n▸ Authenticated GET /api/v1/profile on PostgreSQL, ${HTTP_CONNECTIONS} connections`);
  const name = await createScratchDatabase('_http');
  const dataDir = tempDir('http');
  const server = await startSantana({
    env: { DATABASE_URL: databaseUrl(name), ADMIN_EMAIL, ADMIN_PASSWORD },
    dataDir,
    label: 'http',
  });
  try {
    const signIn = await fetch(`${server.url}/auth/sign_in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
    });
    const body = (await signIn.json()) as { data?: { access_token?: string } };
    const token = body.data?.access_token;
    if (signIn.status !== 200 || !token) throw new Error(`sign-in failed: ${signIn.status} ${JSON.stringify(body)}`);
    const headers = { api_access_token: token };
    const probe = await fetch(`${server.url}/api/v1/profile`, { headers });
    await probe.arrayBuffer();
    if (probe.status !== 200) throw new Error(`GET /api/v1/profile answered ${probe.status}`);

    await load(`${server.url}/api/v1/profile`, headers, HTTP_WARMUP_S);
    const result = await load(`${server.url}/api/v1/profile`, headers, HTTP_DURATION_S);
    const bad = result.non2xx + result.errors;
    print(
      `    ${fmtInt(result.requests.total)} requests in ${result.duration.toFixed(1)} s; ` +
        `p50 ${result.latency.p50} ms, p90 ${result.latency.p90} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms` +
        `; non-2xx ${result.non2xx}, errors ${result.errors}; server RSS after: ${fmtMb(rssMb(server.pid))}`,
    );
    record({
      figure: 'GET /api/v1/profile throughput',
      value: `${fmtInt(result.requests.average)} req/s`,
      target: '',
      ok: null,
    });
    record({ figure: 'GET /api/v1/profile p50 latency', value: `${result.latency.p50} ms`, target: '', ok: null });
    record({
      figure: 'GET /api/v1/profile p99 latency',
      value: `${result.latency.p99} ms${bad > 0 ? ` (${bad} failed)` : ''}`,
      target: '< 20 ms',
      ok: result.latency.p99 < 20 && bad === 0,
    });

    // For information: the same load on /livez (no auth, no database) shows the HTTP stack's own share.
    await load(`${server.url}/livez`, {}, 1);
    const livez = await load(`${server.url}/livez`, {}, 5);
    record({
      figure: 'GET /livez (no auth, no SQL): req/s, p50/p99',
      value: `${fmtInt(livez.requests.average)} req/s, ${livez.latency.p50}/${livez.latency.p99} ms`,
      target: '',
      ok: null,
    });
  } finally {
    await server.stop();
  }
}

// ---------------------------------------------------------------------------------------------------
// Jobs

async function committedTransactions(database: string): Promise<number> {
  return withAdmin(async (client) => {
    await client.query('SELECT pg_stat_clear_snapshot()');
    const result = await client.query<{ n: string }>(
      'SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = $1',
      [database],
    );
    return Number(result.rows[0]?.n ?? 0);
  });
}

async function doneCount(metrics: ReturnType<typeof createMetrics>): Promise<number> {
  const counter = await metrics.jobsProcessed.get();
  return counter.values.filter((v) => v.labels.outcome === 'done').reduce((sum, v) => sum + v.value, 0);
}

/**
 * Santana's job layer: worker started, then 20,000 system.probe jobs enqueued with enqueueMany in chunks
 * of 1000; timed from the first enqueue to the 20,000th completion (the jobs_processed counter, which
 * moves once markDone has committed), then checked with repo.countByState().
 */
async function santanaJobs(
  database: DatabaseHandle,
  redis: ReturnType<typeof createRedisConnections> | null,
  redisPrefix?: string,
): Promise<{ jobsPerSecond: number; enqueueMs: number; totalMs: number; done: number }> {
  const metrics = createMetrics();
  const jobs = createJobSystem({
    db: database.db,
    // Only the probe job: the registry is told it is the only one declared, whatever else the product declares.
    registry: createJobRegistry([systemProbeJob], [systemProbeJob.name]),
    logger: silent,
    metrics,
    redis: redis ? { producer: redis.client, workerConnection: redis.workerConnection } : null,
    concurrency: JOB_CONCURRENCY,
    redisPrefix,
  });
  await jobs.startWorker();
  const items = Array.from({ length: JOB_CHUNK }, () => ({ name: 'system.probe' as const, payload: {} }));
  const startedAt = performance.now();
  let enqueueMs = 0;
  let done = 0;
  try {
    for (let sent = 0; sent < JOB_COUNT; sent += JOB_CHUNK) await jobs.enqueueMany(items);
    enqueueMs = performance.now() - startedAt;
    while (done < JOB_COUNT && performance.now() - startedAt < JOB_TIMEOUT_MS) {
      await sleep(2);
      done = await doneCount(metrics);
    }
  } finally {
    await jobs.stop(5000);
  }
  const totalMs = performance.now() - startedAt;
  const states = await jobs.repo.countByState();
  const doneInTable = states.filter((row) => row.status === 'done').reduce((sum, row) => sum + row.count, 0);
  if (doneInTable !== done) {
    print(`    (the counter saw ${done} done, the table has ${doneInTable}: ${JSON.stringify(states)})`);
  }
  return { jobsPerSecond: (doneInTable / totalMs) * 1000, enqueueMs, totalMs, done: doneInTable };
}

/** BullMQ alone, as the reference: Queue.addBulk of 20,000 jobs in chunks of 1000 + a no-op Worker. */
async function bullmqReference(): Promise<{ jobsPerSecond: number; enqueueMs: number; totalMs: number; done: number }> {
  const prefix = `${REDIS_PREFIX}_ref`;
  const producer = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const consumer = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue('bench', { connection: producer, prefix });
  let completed = 0;
  let finish: () => void = () => {};
  const allDone = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const worker = new Worker('bench', async () => {}, {
    connection: consumer,
    prefix,
    concurrency: JOB_CONCURRENCY,
    removeOnComplete: { count: 0 },
    removeOnFail: { count: 0 },
  });
  worker.on('completed', () => {
    if (++completed === JOB_COUNT) finish();
  });
  await worker.waitUntilReady();
  const startedAt = performance.now();
  let enqueueMs = 0;
  try {
    for (let sent = 0; sent < JOB_COUNT; sent += JOB_CHUNK) {
      await queue.addBulk(
        Array.from({ length: JOB_CHUNK }, (_, i) => ({
          name: 'noop',
          data: { id: sent + i + 1 },
          opts: { jobId: `j${sent + i + 1}`, removeOnComplete: true, removeOnFail: true },
        })),
      );
    }
    enqueueMs = performance.now() - startedAt;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([allDone, new Promise((resolve) => (timer = setTimeout(resolve, JOB_TIMEOUT_MS)))]);
    clearTimeout(timer);
  } finally {
    await worker.close();
    await queue.close();
    producer.disconnect();
    consumer.disconnect();
  }
  const totalMs = performance.now() - startedAt;
  return { jobsPerSecond: (completed / totalMs) * 1000, enqueueMs, totalMs, done: completed };
}

function reportJobs(
  label: string,
  result: { jobsPerSecond: number; enqueueMs: number; totalMs: number; done: number },
  target?: number,
  transactions?: number,
): void {
  const missing = result.done < JOB_COUNT ? ` (only ${fmtInt(result.done)} done)` : '';
  print(
    `    ${label}: ${fmtInt(result.done)} jobs in ${fmtMs(result.totalMs)} (enqueue ${fmtMs(result.enqueueMs)})` +
      (transactions !== undefined
        ? `; ${fmtInt(transactions)} PostgreSQL transactions in all (${((transactions / JOB_COUNT) * 1000).toFixed(0)} per 1,000 jobs)`
        : ''),
  );
  record({
    figure: `Jobs enqueue + complete, ${label}`,
    value: `${fmtInt(result.jobsPerSecond)} jobs/s${missing}`,
    target: target ? `≥ ${fmtInt(target)}/s` : '',
    ok: target ? result.jobsPerSecond >= target && result.done === JOB_COUNT : null,
  });
}

async function jobsSection(): Promise<void> {
  print(`\n▸ Job layer: ${fmtInt(JOB_COUNT)} no-op jobs, worker concurrency ${JOB_CONCURRENCY}`);

  {
    const database = await openPglite('memory://');
    await migrate(database, silent);
    try {
      reportJobs('in-process driver, PGlite in memory', await santanaJobs(database, null));
    } finally {
      await database.close();
    }
  }

  const openPostgres = async (suffix: string) => {
    const name = await createScratchDatabase(suffix);
    const database = await openDatabase(
      { kind: 'postgres', url: databaseUrl(name), poolSize: 10, startupTimeoutMs: 5000 },
      silent,
    );
    await migrate(database, silent);
    return { name, database, before: await committedTransactions(name) };
  };
  const transactionsSince = async (name: string, before: number) => {
    await sleep(300); // closed backends flush their statistics as they exit
    return (await committedTransactions(name)) - before;
  };

  {
    const { name, database, before } = await openPostgres('_jobs_local');
    let result: Awaited<ReturnType<typeof santanaJobs>>;
    try {
      result = await santanaJobs(database, null);
    } finally {
      await database.close();
    }
    reportJobs('in-process driver, PostgreSQL', result, undefined, await transactionsSince(name, before));
  }

  {
    const { name, database, before } = await openPostgres('_jobs_bullmq');
    const redis = createRedisConnections(REDIS_URL, silent);
    let result: Awaited<ReturnType<typeof santanaJobs>>;
    try {
      result = await santanaJobs(database, redis, `${REDIS_PREFIX}_jobs`);
    } finally {
      await redis.close();
      await database.close();
    }
    reportJobs('BullMQ driver, PostgreSQL + Redis', result, 5000, await transactionsSince(name, before));
  }

  reportJobs('BullMQ alone (reference, no Santana, no SQL)', await bullmqReference());
}

// ---------------------------------------------------------------------------------------------------

async function cleanup(): Promise<void> {
  killChildren();
  await dropScratchDatabases().catch((error) => print(`  (could not drop scratch databases: ${error})`));
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${REDIS_PREFIX}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } catch (error) {
    print(`  (could not remove Redis keys ${REDIS_PREFIX}*: ${error})`);
  } finally {
    redis.disconnect();
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}

const SECTIONS: Record<string, () => Promise<void>> = {
  postgres: postgresSection,
  http: httpSection,
  pglite: pgliteSection,
  jobs: jobsSection,
};

async function main(): Promise<number> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !(name in SECTIONS));
  if (unknown.length > 0) {
    print(`Unknown section(s): ${unknown.join(', ')}. Sections: ${Object.keys(SECTIONS).join(', ')}.`);
    return 2;
  }
  const cpu = cpus();
  print(
    `Santana platform benchmark — node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'cpu'}, ` +
      `${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM`,
  );
  const safeUrl = new URL(DATABASE_URL);
  safeUrl.password = '';
  print(`PostgreSQL ${safeUrl.host} (scratch databases santana_bench_${RUN_ID}*), Redis prefix ${REDIS_PREFIX}`);
  return runSections(SECTIONS, wanted, cleanup);
}

// Exit explicitly: a client library's lingering socket or timer must not keep a finished run alive.
process.exit(await main());
