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
/** Due times are spread over this window ("due in the same minute"). */
const DUE_WINDOW_MS = 60_000;
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
      const match = /#(\d+)$/.exec(body.text?.body ?? '');
      if (request.method === 'POST' && request.url?.endsWith('/messages') && match) {
        arrivals.push({ notificationId: Number(match[1]), at });
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    arrivals,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// ---------------------------------------------------------------------------------------------------
// Seeding, in SQL the same on PostgreSQL and PGlite.

type Query = (text: string, params?: unknown[]) => Promise<{ rows: Array<Record<string, unknown>> }>;

/**
 * `count` contacts who wrote within the last hour (open window: the free-text variant goes out), each
 * with one essential notification due in the minute that starts `leadMs` from now, and its
 * delivery job scheduled for that time — what the rule planner would have written.
 */
async function seed(query: Query, count: number, leadMs: number): Promise<void> {
  const inbox = await query(`SELECT id FROM inboxes WHERE phone_number_id = $1`, [PHONE_NUMBER_ID]);
  const inboxId = Number(inbox.rows[0]?.id);
  if (!inboxId) throw new Error('The bench inbox was not created at start-up');
  const chunk = 10_000;
  for (let start = 0; start < count; start += chunk) {
    const end = Math.min(count, start + chunk) - 1;
    await query(
      `WITH people AS (
         INSERT INTO contacts (account_id, name, phone_number, phone_key, custom_attributes, additional_attributes)
         SELECT 1, 'Cliente ' || n, '+55119' || lpad((70000000 + n)::text, 8, '0'), '5511' || lpad((70000000 + n)::text, 8, '0'), '{}', '{}'
         FROM generate_series($1::int, $2::int) AS n
         RETURNING id, phone_number
       ), inboxes_of AS (
         INSERT INTO contact_inboxes (account_id, contact_id, inbox_id, source_id)
         SELECT 1, id, $3, substr(phone_number, 2) FROM people
         RETURNING id, contact_id
       )
       INSERT INTO conversations (account_id, display_id, inbox_id, contact_id, contact_inbox_id, status,
                                  custom_attributes, additional_attributes, last_incoming_at, last_activity_at)
       SELECT 1, 1000000 + contact_id, $3, contact_id, id, 'open', '{}', '{}', now(), now() FROM inboxes_of`,
      [start, end, inboxId],
    );
  }
  // Due times count from now, once the slow part is done: the servers start within the lead time.
  const firstDue = new Date(Date.now() + leadMs);
  await query(
    `INSERT INTO notifications (account_id, key, kind, contact_id, essential, status, due_at, rendered)
     SELECT 1, 'bench:' || c.id, 'consent', c.id, true, 'scheduled',
            $1::timestamptz + make_interval(secs => (row_number() OVER (ORDER BY c.id) - 1) * $2::float8 / $3::float8),
            jsonb_build_object('content', jsonb_build_object('text', 'Lembrete do seu evento'))
     FROM contacts c WHERE c.account_id = 1 AND c.name LIKE 'Cliente %'`,
    [firstDue.toISOString(), DUE_WINDOW_MS / 1000, count],
  );
  // The text carries its notification id, so the fake Graph API can tell duplicates and losses apart.
  await query(
    `UPDATE notifications SET rendered = jsonb_build_object('content', jsonb_build_object('text', 'Lembrete do seu evento #' || id))
     WHERE key LIKE 'bench:%'`,
  );
  await query(
    `INSERT INTO jobs (account_id, queue, name, payload, idempotency_key, status, max_attempts, run_at)
     SELECT 1, 'notify', 'notify.deliver',
            jsonb_build_object('notificationId', id, 'dueAt', (extract(epoch FROM due_at) * 1000)::bigint),
            'notify:' || id || ':' || (extract(epoch FROM due_at) * 1000)::bigint, 'scheduled', 10, due_at
     FROM notifications WHERE key LIKE 'bench:%'`,
  );
}

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
    `SELECT id, (extract(epoch FROM due_at) * 1000)::bigint AS due FROM notifications WHERE key LIKE 'bench:%'`,
  );
  return new Map(result.rows.map((row) => [Number(row.id), Number(row.due)]));
}

// ---------------------------------------------------------------------------------------------------
// Sections

/** Time the servers get to start before the first notification is due. */
const LEAD_MS = 30_000;

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
    const client = new pg.Client({ connectionString: databaseUrl(database) });
    await client.connect();
    const query: Query = (text, params) => client.query(text, params as unknown[]);
    const seededAt = Date.now();
    await seed(query, count, LEAD_MS);
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
    // The server is stopped: this process opens its database directly to seed it.
    const pglite = new PGlite(path.join(dataDir, 'pglite'));
    const query: Query = async (text, params) => pglite.query(text, params as unknown[]);
    const seededAt = Date.now();
    await seed(query, count, LEAD_MS);
    const dueOf = await dueTimes(query);
    await pglite.close();
    print(`  seeded in ${fmtMs(Date.now() - seededAt)}`);
    server = await startSantana({ env, dataDir, label: 'embedded' });
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
    await dropScratchDatabases().catch(() => {});
    await deleteRedisKeys(REDIS_PREFIX).catch(() => {});
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  };
  return runSections(SECTIONS, wanted, cleanup);
}

process.exit(await main());
