/**
 * `npm run bench:crm`: the CRM's read paths on PostgreSQL with a large account — 1,000,000 contacts
 * (250,000 clients), 5,000 providers with services and regions, 200,000 events with staffing and
 * about 400,000 assignments.
 *
 * The real app runs in this process (createApp, its migrations and services) and every request goes
 * through its HTTP routes with app.inject, so the SQL measured is the SQL the product sends. Each query
 * kind is measured ITERATIONS times (after a warm-up; each timed until the whole answer is in, the client's
 * JSON parse left out) with p50/p95 beside its target, then the
 * EXPLAIN (ANALYZE, BUFFERS) of every statement one such request runs, so the indexes used are visible.
 *
 * Seeding uses INSERT … SELECT generate_series in a dedicated database, santana_bench_crm (a couple of
 * minutes on 2 CPUs), dropped at the end unless --keep. Prints figures, never fails on a slow machine
 * (exit 1 only when a section could not run). PostgreSQL only: the embedded default is not measured.
 *
 *   npm run bench:crm                              seed, measure everything, drop the database
 *   npm run bench:crm -- search                    only some sections: search, availability, calendar
 *   npm run bench:crm -- --scale=0.1               a tenth of the contacts and events (while developing)
 *   npm run bench:crm -- --keep                    leave santana_bench_crm for a later --reuse
 *   npm run bench:crm -- --reuse                   measure a kept database again (migrates, does not re-seed)
 *   npm run bench:crm -- --iterations=50
 *
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) must be allowed to create databases.
 */
import { rmSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { type CompiledQuery, type KyselyPlugin, PostgresQueryCompiler } from 'kysely';
import pg from 'pg';
import { hashPassword } from '../src/accounts/password.js';
import { type App, createApp } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { openDatabase } from '../src/db/client.js';
import { createLogger } from '../src/shared/logger.js';
import { phoneOf, type SeededCrm, seedCrm } from './crm-seed.js';
import { DATABASE_URL, databaseUrl, print, RUN_ID, record, runSections, scratchDir, withAdmin } from './support.js';

const DATABASE = 'santana_bench_crm';
const flag = (name: string) => process.argv.includes(`--${name}`);
const option = (name: string) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
const SCALE = Number(option('scale') ?? 1);
const ITERATIONS = Math.max(10, Number(option('iterations') ?? 200));
const WARMUP = 20;
const SIZE = {
  contacts: Math.round(1_000_000 * SCALE),
  providers: 5_000,
  events: Math.round(200_000 * SCALE),
};
const TARGET_MS = { search: 50, availability: 100, calendar: 50 };
const ADMIN = { email: 'bench@santana.local', password: `bench-${RUN_ID}-password` };
const TIME_ZONE = 'America/Sao_Paulo';

const silent = createLogger('silent');
const dataDir = scratchDir('crm');

// ---------------------------------------------------------------------------------------------------
// Statement capture: the SQL (with its parameters) each request sends, to EXPLAIN it afterwards.

const compiler = new PostgresQueryCompiler();
let recording: CompiledQuery[] | null = null;
const capture: KyselyPlugin = {
  transformQuery({ node, queryId }) {
    recording?.push(compiler.compileQuery(node, queryId));
    return node;
  },
  transformResult: async ({ result }) => result,
};
// Sign-in and membership look-ups are not what is measured.
const AUTH_TABLES = /from "(access_tokens|sessions|users|account_users|accounts)"/;

// ---------------------------------------------------------------------------------------------------
// The app on the bench database

interface Bench {
  app: App;
  accountId: number;
  headers: Record<string, string>;
  seeded: SeededCrm;
  explain: pg.Client;
}

let prepared: Promise<Bench> | undefined;
let app: App | undefined;
let explainClient: pg.Client | undefined;

async function databaseExists(): Promise<boolean> {
  return withAdmin(async (client) => {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    return rowCount === 1;
  });
}

async function counts(client: pg.Client, accountId: number): Promise<SeededCrm> {
  const { rows } = await client.query<Record<keyof SeededCrm, string>>(
    `SELECT (SELECT count(*) FROM contacts WHERE account_id = $1) AS contacts,
            (SELECT count(*) FROM clients WHERE account_id = $1) AS clients,
            (SELECT count(*) FROM providers WHERE account_id = $1) AS providers,
            (SELECT count(*) FROM events WHERE account_id = $1) AS events,
            (SELECT count(*) FROM assignments WHERE account_id = $1) AS assignments`,
    [accountId],
  );
  const row = rows[0];
  return {
    contacts: Number(row?.contacts),
    clients: Number(row?.clients),
    providers: Number(row?.providers),
    events: Number(row?.events),
    assignments: Number(row?.assignments),
  };
}

async function prepare(): Promise<Bench> {
  const reuse = flag('reuse') && (await databaseExists());
  if (!reuse) {
    await withAdmin(async (client) => {
      await client.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
      await client.query(`CREATE DATABASE ${DATABASE}`);
    });
  }
  const url = databaseUrl(DATABASE);
  const config = loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL: url,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    APP_TIMEZONE: TIME_ZONE,
    SECRET_KEY_BASE: `bench-secret-key-base-${RUN_ID}-0123456789abcdef0123456789`,
  });
  const database = await openDatabase(config.database, silent);
  // createApp migrates (a kept database gets new migrations too) and creates the administrator on a fresh one.
  app = await createApp(config, {
    role: 'api',
    logger: silent,
    database: { ...database, db: database.db.withPlugin(capture) },
    webDistDir: dataDir,
  });
  await app.server.ready();
  explainClient = new pg.Client({ connectionString: url });
  await explainClient.connect();

  const admin = await explainClient.query<{ account_id: string; email: string }>(
    `SELECT account_users.account_id, users.email FROM account_users JOIN users ON users.id = account_users.user_id
     WHERE account_users.role = 'administrator' ORDER BY account_users.id LIMIT 1`,
  );
  const accountId = Number(admin.rows[0]?.account_id);
  if (reuse) {
    // A kept database keeps its first administrator: give it this run's password.
    await explainClient.query('UPDATE users SET password_hash = $1 WHERE lower(email) = lower($2)', [
      await hashPassword(ADMIN.password),
      admin.rows[0]?.email,
    ]);
  }
  const signIn = await app.server.inject({
    method: 'POST',
    url: '/auth/sign_in',
    payload: { email: admin.rows[0]?.email, password: ADMIN.password },
  });
  const token = (signIn.json() as { data?: { access_token?: string } }).data?.access_token;
  if (signIn.statusCode !== 200 || !token) throw new Error(`sign-in failed: ${signIn.statusCode} ${signIn.body}`);

  let seeded: SeededCrm;
  if (reuse) {
    seeded = await counts(explainClient, accountId);
    print(`\n▸ Reusing ${DATABASE} (not re-seeded)`);
    await explainClient.query('ANALYZE');
  } else {
    print(`\n▸ Seeding ${DATABASE}`);
    const startedAt = performance.now();
    seeded = await seedCrm(explainClient, accountId, SIZE, TIME_ZONE, print);
    record({
      figure: 'Seeding (INSERT … SELECT generate_series, VACUUM ANALYZE)',
      value: `${((performance.now() - startedAt) / 1000).toFixed(0)} s`,
      target: '',
      ok: null,
    });
  }
  const n = (value: number) => value.toLocaleString('en-US');
  print(
    `    ${n(seeded.contacts)} contacts, ${n(seeded.clients)} clients, ${n(seeded.providers)} providers, ` +
      `${n(seeded.events)} events, ${n(seeded.assignments)} assignments`,
  );
  return { app, accountId, headers: { api_access_token: token }, seeded, explain: explainClient };
}

const bench = () => {
  prepared ??= prepare();
  return prepared;
};

// ---------------------------------------------------------------------------------------------------
// Measuring

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

interface Answer {
  meta?: { count: number };
  payload: unknown[];
}

/**
 * GET one URL through the app's routes; throws on anything but 200. `ms` is the time until the whole
 * answer is in: parsing its JSON is the client's work, done after the clock stops.
 */
async function timedGet(b: Bench, path: string): Promise<{ ms: number; bytes: number; body: Answer }> {
  const startedAt = performance.now();
  const response = await b.app.server.inject({
    method: 'GET',
    url: `/api/v1/accounts/${b.accountId}${path}`,
    headers: b.headers,
  });
  const elapsed = performance.now() - startedAt;
  if (response.statusCode !== 200) throw new Error(`GET ${path} answered ${response.statusCode}: ${response.body}`);
  return { ms: elapsed, bytes: response.rawPayload.length, body: response.json() as Answer };
}

const get = async (b: Bench, path: string) => (await timedGet(b, path)).body;

/** Prints the plan of every statement (auth look-ups aside) one request runs. */
async function explain(b: Bench, label: string, path: string): Promise<void> {
  recording = [];
  try {
    await get(b, path);
  } finally {
    const statements = recording.filter((query) => !AUTH_TABLES.test(query.sql));
    recording = null;
    print(`\n    EXPLAIN (ANALYZE, BUFFERS) — ${label}: GET ${decodeURIComponent(path)}`);
    for (const [index, query] of statements.entries()) {
      const sql = query.sql.replace(/\s+/g, ' ');
      print(`    [${index + 1}/${statements.length}] ${sql.length > 220 ? `${sql.slice(0, 220)} …` : sql}`);
      const { rows } = await b.explain.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (ANALYZE, BUFFERS) ${query.sql}`,
        query.parameters as unknown[],
      );
      for (const row of rows) print(`      ${row['QUERY PLAN']}`);
    }
  }
}

/**
 * Measures `paths` in turn (ITERATIONS requests in all, after a warm-up), records p50/p95 against the
 * target (none: for information) and explains the first path.
 */
async function measure(b: Bench, label: string, paths: string[], target: number | null): Promise<void> {
  const at = (i: number) => paths[i % paths.length] ?? '';
  for (let i = 0; i < WARMUP; i++) await get(b, at(i));
  const times: number[] = [];
  let rows = 0;
  let bytes = 0;
  for (let i = 0; i < ITERATIONS; i++) {
    const answer = await timedGet(b, at(i));
    times.push(answer.ms);
    rows += answer.body.meta?.count ?? answer.body.payload.length;
    bytes += answer.bytes;
  }
  const p95 = percentile(times, 95);
  print(
    `    ${ITERATIONS} requests over ${paths.length} queries: p50 ${ms(percentile(times, 50))}, p95 ${ms(p95)}, ` +
      `max ${ms(Math.max(...times))}; ${(rows / ITERATIONS).toFixed(0)} matches per query on average, ` +
      `${(bytes / ITERATIONS / 1024).toFixed(0)} KiB per answer`,
  );
  record({
    figure: `${label} p95`,
    value: ms(p95),
    target: target === null ? '' : `< ${target} ms`,
    ok: target === null ? null : p95 < target,
  });
  await explain(b, label, at(0));
}

// ---------------------------------------------------------------------------------------------------
// Sections

async function searchSection(): Promise<void> {
  const b = await bench();
  print('\n▸ Client search: GET /clients?q= by name prefix, by phone (either 9th-digit form), by document');
  // People the API can find: clients picked across the whole table (every 997th), as a person types them.
  const { rows } = await b.explain.query<{ i: string; name: string; document: string | null }>(
    `SELECT contacts.id - (SELECT min(id) FROM contacts WHERE account_id = $1) + 1 AS i, contacts.name, contacts.document
     FROM clients JOIN contacts ON contacts.id = clients.contact_id
     WHERE clients.account_id = $1 AND clients.id % 997 = 0 ORDER BY clients.id LIMIT 200`,
    [b.accountId],
  );
  const q = (text: string) => `/clients?q=${encodeURIComponent(text)}`;
  // Looking for someone: a first name and the start of a surname ("Mariana Sou", a few hundred people).
  const names = rows.map((row) => {
    const [first = '', second = ''] = row.name.split(' ');
    return q(`${first} ${second.slice(0, 3)}`);
  });
  // The broadest a name search gets: a first name alone, shared by one contact in sixty (~17,000 here).
  const firstNames = [...new Set(rows.map((row) => q(row.name.split(' ')[0] ?? '')))];
  const phones = rows.map((row, index) => q(phoneOf(Number(row.i), index % 2 === 0)));
  const documents = rows
    .filter((row) => row.document)
    .map((row) => {
      const d = row.document ?? '';
      return q(`${d.slice(0, 3)}.${d.slice(3, 6)}.${d.slice(6, 9)}-${d.slice(9)}`);
    });
  const found = await get(b, phones[1] ?? '');
  if (found.meta?.count !== 1) throw new Error(`the phone without its 9th digit found ${found.meta?.count} clients`);

  await measure(b, 'Client search by name prefix (first name + surname start)', names, TARGET_MS.search);
  await measure(b, 'Client search by a first name alone (1 contact in 60 matches)', firstNames, null);
  await measure(b, 'Client search by phone (with and without the 9)', phones, TARGET_MS.search);
  await measure(b, 'Client search by CPF', documents, TARGET_MS.search);
}

/** Saturdays ahead of today, 19:00–23:00 in the business's time zone (São Paulo has no daylight saving). */
function saturdayEvenings(count: number): Array<{ from: string; to: string }> {
  const today = new Date();
  const daysToSaturday = (6 - today.getUTCDay() + 7) % 7 || 7;
  return Array.from({ length: count }, (_, week) => {
    const day = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()));
    day.setUTCDate(day.getUTCDate() + daysToSaturday + 7 * week);
    const date = day.toISOString().slice(0, 10);
    return { from: `${date}T19:00:00-03:00`, to: `${date}T23:00:00-03:00` };
  });
}

async function availabilitySection(): Promise<void> {
  const b = await bench();
  print(`\n▸ Provider availability: GET /providers?available_from=&available_to= (Saturday 19:00–23:00)`);
  const paths = saturdayEvenings(8).map(
    ({ from, to }) => `/providers?available_from=${encodeURIComponent(from)}&available_to=${encodeURIComponent(to)}`,
  );
  const all = await get(b, '/providers');
  const free = await get(b, paths[0] ?? '');
  print(`    ${all.meta?.count} providers; ${free.meta?.count} free on the first Saturday evening`);
  await measure(b, 'Provider availability, Saturday evening', paths, TARGET_MS.availability);
}

/**
 * Calendar months around today (São Paulo midnight to midnight): the API's default page; the month as
 * the calendar screen asks it (GET /events/calendar, up to 500 events as drawn); and, for information,
 * the same 500 events in full (assignments, location, notes), which the screen no longer asks for.
 */
async function calendarSection(): Promise<void> {
  const b = await bench();
  print(
    '\n▸ Calendar month: GET /events?from=&to= (the default page of 50), GET /events/calendar?…&per_page=500 (the screen)',
  );
  const today = new Date();
  const months = [-2, -1, 0, 1, 2, 3].map((offset) => {
    const from = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + offset, 1, 3));
    const to = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + offset + 1, 1, 3));
    return `from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`;
  });
  await measure(
    b,
    'Calendar month, first page (50 events)',
    months.map((range) => `/events?${range}`),
    TARGET_MS.calendar,
  );
  await measure(
    b,
    'Calendar month as the screen asks (500 events as drawn)',
    months.map((range) => `/events/calendar?${range}&per_page=500`),
    TARGET_MS.calendar,
  );
  await measure(
    b,
    'Calendar month, 500 events in full (assignments, location, notes)',
    months.map((range) => `/events?${range}&per_page=500`),
    null,
  );
}

// ---------------------------------------------------------------------------------------------------

async function cleanup(): Promise<void> {
  await app?.stop().catch((error) => print(`  (could not stop the app: ${error})`));
  await app?.database.close().catch(() => {});
  await explainClient?.end().catch(() => {});
  if (flag('keep')) print(`  (kept ${DATABASE}; run again with --reuse to measure it without re-seeding)`);
  else {
    await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`)).catch((error) =>
      print(`  (could not drop ${DATABASE}: ${error})`),
    );
  }
  rmSync(dataDir, { recursive: true, force: true });
}

const SECTIONS: Record<string, () => Promise<void>> = {
  search: searchSection,
  availability: availabilitySection,
  calendar: calendarSection,
};

async function main(): Promise<number> {
  const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
  const unknown = wanted.filter((name) => !(name in SECTIONS));
  if (unknown.length > 0) {
    print(`Unknown section(s): ${unknown.join(', ')}. Sections: ${Object.keys(SECTIONS).join(', ')}.`);
    return 2;
  }
  const cpu = cpus();
  const safeUrl = new URL(DATABASE_URL);
  safeUrl.password = '';
  print(
    `Santana CRM benchmark — node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'cpu'}, ` +
      `${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM; PostgreSQL ${safeUrl.host}, database ${DATABASE}` +
      (SCALE === 1 ? '' : `; scale ${SCALE}`),
  );
  return runSections(SECTIONS, wanted, cleanup);
}

// Exit explicitly: a client library's lingering socket or timer must not keep a finished run alive.
process.exit(await main());
