/**
 * `npm run bench:notify`: many notifications due in the same minute, sent toward a fake Graph API under
 * Meta's per-number limit (80 messages/s), on PostgreSQL + Redis with two worker processes and on the
 * embedded default (PGlite, in-process jobs, one process).
 *
 * The servers run as child processes (`santana serve`) with a WhatsApp inbox from WHATSAPP_* variables;
 * the Graph API is a local HTTP server in this process that answers sends in Meta's documented format and
 * records when each arrived. Notifications are seeded straight into the database (with their contacts,
 * open conversations and delivery jobs), due over one minute starting a little after the servers start.
 * Printed: how late each send left beyond what the rate limit imposes (p50/p99), duplicates (must be 0),
 * losses (must be 0) and the achieved send rate against the limit (target ≥ 95 %).
 *
 *   npm run bench:notify                      both sections: 100,000 on PostgreSQL (~22 min at 80/s), 10,000 embedded
 *   npm run bench:notify -- postgres          one of: postgres, embedded
 *   npm run bench:notify -- --count=4000      the same count for every section (a quick look)
 */
import { rmSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { type SeedQuery, seedDueNotifications, seededNotificationId } from '../test/helpers/notification-seed.js';
import {
  createScratchDatabase,
  databaseUrl,
  deleteRedisKeys,
  dropScratchDatabases,
  fmtInt,
  fmtMs,
  killChildren,
  print,
  REDIS_URL,
  RUN_ID,
  record,
  runSections,
  type Server,
  scratchDir,
  sleep,
  startSantana,
} from './support.js';

const countOverride = Number(process.argv.find((arg) => arg.startsWith('--count='))?.split('=')[1]) || undefined;
const COUNT = { postgres: countOverride ?? 100_000, embedded: countOverride ?? 10_000 };
const LIMIT_PER_SECOND = 80;
/**
 * Due times are spread over one minute ("due in the same minute"); a smaller --count is squeezed so that
 * notifications still come due at least twice as fast as the limit lets them out.
 */
const dueWindowMs = (count: number) => Math.min(60_000, Math.floor((count / (LIMIT_PER_SECOND * 2)) * 1000));
const TARGET = { rateShare: 0.95 };
const STALL_MS = 60_000;

const PHONE_NUMBER_ID = '109876543219876';
const REDIS_PREFIX = `santana_bench_${RUN_ID}_notify`;
const WHATSAPP_ENV = {
  WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
  WHATSAPP_ACCESS_TOKEN: 'EAAG-bench-token',
  WHATSAPP_APP_SECRET: `bench-app-secret-${RUN_ID}`,
  WHATSAPP_VERIFY_TOKEN: 'bench-verify',
  WHATSAPP_BUSINESS_ACCOUNT_ID: '102290129340398',
  WHATSAPP_DISPLAY_PHONE_NUMBER: '+55 11 95555-0001',
  SIMULATOR: 'off',
  // Shared by the worker processes: each must open the inbox's sealed credentials.
  SECRET_KEY_BASE: `bench-secret-key-base-${RUN_ID}-0123456789abcdef0123456789abcdef`,
  ADMIN_EMAIL: 'bench@santana.local',
  ADMIN_PASSWORD: `bench-${RUN_ID}-password`,
};

const dirs: string[] = [];
const tempDir = (label: string) => {
  const dir = scratchDir(label);
  dirs.push(dir);
  return dir;
};

// ---------------------------------------------------------------------------------------------------
// The fake Graph API: Meta's send response, and when each notification's message arrived.

interface Arrival {
  notificationId: number;
  at: number;
}

async function startGraph() {
  const arrivals: Arrival[] = [];
  let sequence = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const at = Date.now();
      let body: { text?: { body?: string } } = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        // not JSON: answered below like any other request
      }
      const notificationId = seededNotificationId(body.text?.body);
      if (request.method === 'POST' && request.url?.endsWith('/messages') && notificationId !== null) {
        arrivals.push({ notificationId, at });
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            messaging_product: 'whatsapp',
            contacts: [{ input: 'x', wa_id: 'x' }],
            messages: [{ id: `wamid.bench${RUN_ID}${sequence++}` }],
          }),
        );
        return;
      }
      // Template listings at start-up and anything else: an empty, valid answer.
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ data: [], paging: { cursors: {} } }));
    });
  });
  // Node's 5 s default closes idle keep-alive sockets under the client's feet ("fetch failed", then a
  // retry a second later); Meta's edge keeps them open far longer.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    arrivals,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

type Query = SeedQuery;

const seed = (query: Query, count: number, leadMs: number) =>
  seedDueNotifications(query, { phoneNumberId: PHONE_NUMBER_ID, count, leadMs, windowMs: dueWindowMs(count) });

// ---------------------------------------------------------------------------------------------------
// Measuring

function percentile(sorted: number[], share: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? Number.NaN;
}

async function waitForSends(arrivals: Arrival[], count: number): Promise<void> {
  let seen = 0;
  let lastProgress = Date.now();
  let lastPrint = Date.now();
  while (arrivals.length < count) {
    if (arrivals.length !== seen) {
      seen = arrivals.length;
      lastProgress = Date.now();
    }
    if (Date.now() - lastProgress > STALL_MS) {
      print(`  ! no send for ${STALL_MS / 1000} s; stopping at ${fmtInt(arrivals.length)} of ${fmtInt(count)}`);
      return;
    }
    if (Date.now() - lastPrint > 30_000) {
      lastPrint = Date.now();
      print(`    … ${fmtInt(arrivals.length)} of ${fmtInt(count)} sent`);
    }
    await sleep(200);
  }
  // Anything sent twice arrives shortly after: give duplicates a chance to show.
  await sleep(3_000);
}

function report(label: string, arrivals: Arrival[], dueOf: Map<number, number>, count: number, workers: number) {
  const perId = new Map<number, number>();
  for (const arrival of arrivals) perId.set(arrival.notificationId, (perId.get(arrival.notificationId) ?? 0) + 1);
  const duplicates = [...perId.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
  const lost = [...dueOf.keys()].filter((id) => !perId.has(id)).length;

  // Beyond the rate limit: the k-th send cannot leave before the first due time + k / limit.
  const ordered = [...arrivals].sort((a, b) => a.at - b.at);
  const firstDue = Math.min(...dueOf.values());
  const excess = ordered
    .map((arrival, k) => {
      const due = dueOf.get(arrival.notificationId) ?? firstDue;
      const earliest = Math.max(due, firstDue + (k * 1000) / LIMIT_PER_SECOND);
      return Math.max(0, arrival.at - earliest);
    })
    .sort((a, b) => a - b);
  const first = ordered[0]?.at ?? 0;
  const last = ordered.at(-1)?.at ?? 0;
  const rate = ordered.length > 1 ? ((ordered.length - 1) * 1000) / (last - first) : 0;

  print(
    `  ${fmtInt(ordered.length)} sends of ${fmtInt(count)} in ${fmtMs(last - first)} (${workers} worker process(es))`,
  );
  record({
    figure: `${label}: lateness beyond the rate limit p50`,
    value: fmtMs(percentile(excess, 0.5)),
    target: '',
    ok: null,
  });
  record({
    figure: `${label}: lateness beyond the rate limit p99`,
    value: fmtMs(percentile(excess, 0.99)),
    target: '',
    ok: null,
  });
  record({ figure: `${label}: duplicates`, value: fmtInt(duplicates), target: '0', ok: duplicates === 0 });
  record({ figure: `${label}: losses`, value: fmtInt(lost), target: '0', ok: lost === 0 });
  record({
    figure: `${label}: send rate`,
    value: `${rate.toFixed(1)}/s (${((rate / LIMIT_PER_SECOND) * 100).toFixed(1)} % of ${LIMIT_PER_SECOND}/s)`,
    target: `≥ ${TARGET.rateShare * 100} % of the limit`,
    ok: rate >= LIMIT_PER_SECOND * TARGET.rateShare,
  });
}

async function dueTimes(query: Query): Promise<Map<number, number>> {
  const result = await query(
    `SELECT id, (extract(epoch FROM due_at) * 1000)::bigint AS due FROM notifications WHERE key LIKE 'seed:%'`,
  );
  return new Map(result.rows.map((row) => [Number(row.id), Number(row.due)]));
}

// ---------------------------------------------------------------------------------------------------
// Sections

/**
 * Time the servers get to start before the first notification is due: twice what the first start took
 * (a seeded database opens slower), for each server started one after the other, and never under 20 s.
 */
const leadAfter = (first: Server, servers = 1) => Math.max(20_000, servers * 2 * first.readyMs + 5_000);

async function postgresSection() {
  const count = COUNT.postgres;
  print(`\nPostgreSQL + Redis: ${fmtInt(count)} notifications due within one minute, two worker processes`);
  const graph = await startGraph();
  const database = await createScratchDatabase('_notify');
  const env = {
    ...WHATSAPP_ENV,
    WHATSAPP_GRAPH_URL: graph.url,
    DATABASE_URL: databaseUrl(database),
    REDIS_URL,
    REDIS_PREFIX,
    LOG_LEVEL: 'warn',
  };
  const servers: Server[] = [];
  try {
    // Start once to migrate and create the inbox; seed while nothing runs; then the two workers.
    const first = await startSantana({ env, dataDir: tempDir('notify-pg'), label: 'migrate' });
    await first.stop();
    const leadMs = leadAfter(first, 2);
    const client = new pg.Client({ connectionString: databaseUrl(database) });
    await client.connect();
    const query: Query = (text, params) => client.query(text, params as unknown[]);
    const seededAt = Date.now();
    await seed(query, count, leadMs);
    print(`  seeded in ${fmtMs(Date.now() - seededAt)}`);
    for (const label of ['worker-1', 'worker-2']) {
      servers.push(await startSantana({ env, dataDir: tempDir(`notify-${label}`), label }));
    }
    const dueOf = await dueTimes(query);
    await waitForSends(graph.arrivals, count);
    report('PostgreSQL', graph.arrivals, dueOf, count, servers.length);
    const statuses = await query(`SELECT status, count(*) AS n FROM notifications GROUP BY status ORDER BY status`);
    print(
      `  notifications by status: ${statuses.rows.map((row) => `${row.status} ${fmtInt(Number(row.n))}`).join(', ')}`,
    );
    await client.end();
  } finally {
    for (const server of servers) await server.stop();
    await graph.close();
    await deleteRedisKeys(REDIS_PREFIX);
  }
}

async function embeddedSection() {
  const count = COUNT.embedded;
  print(`\nEmbedded (PGlite, in-process jobs): ${fmtInt(count)} notifications due within one minute, one process`);
  const graph = await startGraph();
  const dataDir = tempDir('notify-embedded');
  const env = { ...WHATSAPP_ENV, WHATSAPP_GRAPH_URL: graph.url, LOG_LEVEL: 'warn' };
  let server: Server | undefined;
  try {
    const first = await startSantana({ env, dataDir, label: 'migrate' });
    await first.stop();
    const leadMs = leadAfter(first);
    // The server is stopped: this process opens its database directly to seed it.
    const pglite = new PGlite(path.join(dataDir, 'pglite'));
    const query: Query = async (text, params) => pglite.query(text, params as unknown[]);
    const seededAt = Date.now();
    await seed(query, count, leadMs);
    const dueOf = await dueTimes(query);
    await pglite.close();
    print(`  seeded in ${fmtMs(Date.now() - seededAt)}`);
    server = await startSantana({ env, dataDir, label: 'embedded' });
    print(
      `  ready in ${fmtMs(server.readyMs)}; first notification due ${fmtMs(Math.min(...dueOf.values()) - Date.now())} from now`,
    );
    await waitForSends(graph.arrivals, count);
    report('Embedded', graph.arrivals, dueOf, count, 1);
  } finally {
    await server?.stop();
    await graph.close();
  }
}

const SECTIONS = { postgres: postgresSection, embedded: embeddedSection };

async function main(): Promise<number> {
  const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
  const cleanup = async () => {
    killChildren();
    // --keep leaves the scratch database and the servers' logs for a look afterwards.
    if (process.argv.includes('--keep')) {
      print(`  kept: ${dirs.join(', ')} and the santana_bench_${RUN_ID}_notify database`);
      return;
    }
    await dropScratchDatabases().catch(() => {});
    await deleteRedisKeys(REDIS_PREFIX).catch(() => {});
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  };
  return runSections(SECTIONS, wanted, cleanup);
}

process.exit(await main());
