/**
 * `npm run bench:ingest`: how fast Santana takes WhatsApp webhooks in, on PostgreSQL + Redis (BullMQ) and on
 * the embedded default (PGlite, in-process jobs).
 *
 * The real server runs as a child process with a WhatsApp inbox from WHATSAPP_* variables. A closed-loop
 * load generator (bench/http-load.ts: ready-made requests, one write and one read each) posts signed
 * deliveries over 64 connections: one text message each (~1 KB, Meta's compact JSON), a unique wamid,
 * one of 2,000 senders (contacts and conversations are reused, as in real life). Then the messages are
 * counted until there is one per 2xx answer: every acknowledged wamid must have exactly one row.
 * The reference, measured in the same run: single-row INSERTs into a scratch table of the same database.
 *
 * Prints figures with their targets and ✓/✗ (the issue sets its speed targets for PostgreSQL; the embedded
 * default's speed is printed beside them, unjudged); never fails on a slow machine (exit 1 only when a section
 * could not run). Creates and drops its own database and Redis keys.
 *
 *   npm run bench:ingest                  both sections (about 2 minutes)
 *   npm run bench:ingest -- postgres      one of: postgres, embedded
 *   npm run bench:ingest -- --requests=5000
 *   npm run bench:ingest -- --senders=200     fewer people writing, so fewer first messages
 *   BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench:ingest   profiles the server
 */
import { rmSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { hubSignature } from '../src/channels/whatsapp/webhook-signature.js';
import { closedLoop, httpRequest, type LoadResult } from './http-load.js';
import {
  cpuSeconds,
  createScratchDatabase,
  DATABASE_URL,
  databaseTransactions,
  databaseUrl,
  deleteRedisKeys,
  dropScratchDatabases,
  fmtInt,
  fmtMb,
  fmtMs,
  killChildren,
  peakRssMb,
  print,
  REDIS_URL,
  RUN_ID,
  record,
  rssMb,
  runSections,
  type Server,
  scratchDir,
  sleep,
  startSantana,
} from './support.js';

const CONNECTIONS = 64;
/**
 * Enough for V8 to have compiled the hot paths (with 500, TurboFan was still compiling ~270 functions in the
 * first seconds of the measured load, ~13 % of the server's CPU on its helper threads): the figures are a
 * running server's, not a starting one's. Sent by other people than the measured load, so its senders are
 * as new to the inbox as before.
 */
const WARMUP_REQUESTS = 5_000;
/** The measured load stops at its number of requests or after this long, whichever comes first. */
const MEASURE_SECONDS = 10;
// --requests=N overrides both (a quick look while optimising).
const requestsOverride = Number(process.argv.find((arg) => arg.startsWith('--requests='))?.split('=')[1]) || undefined;
const REQUESTS = { postgres: requestsOverride ?? 30_000, embedded: requestsOverride ?? 10_000 };
// --senders=N: how many people write (2,000 by default); fewer means fewer first messages (a diagnosis aid).
const SENDERS = Number(process.argv.find((arg) => arg.startsWith('--senders='))?.split('=')[1]) || 2_000;
const PROCESS_TIMEOUT_MS = 60_000;
const POLL_MS = 50;
const QUIET_MS = 1_000;
const REFERENCE_MS = 3_000;
const TARGET = { ackP99Ms: 50, acceptedPerSecond: 3_000, processedPerSecond: 1_500 };

const PHONE_NUMBER_ID = '109876543210987';
const APP_SECRET = `bench-app-secret-${RUN_ID}`;
const REDIS_PREFIX = `santana_bench_${RUN_ID}_ingest`;
const WHATSAPP_ENV = {
  WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
  WHATSAPP_ACCESS_TOKEN: 'EAAG-bench-token',
  WHATSAPP_APP_SECRET: APP_SECRET,
  WHATSAPP_VERIFY_TOKEN: 'bench-verify',
  WHATSAPP_BUSINESS_ACCOUNT_ID: '102290129340398',
  WHATSAPP_DISPLAY_PHONE_NUMBER: '+55 11 95555-0000',
  // Inbound text makes no Graph call; should anything try, the discard port refuses it at once.
  WHATSAPP_GRAPH_URL: 'http://127.0.0.1:9',
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
// Deliveries

interface Delivery {
  wamid: string;
  body: Buffer;
  signature: string;
}

const FIRST_NAMES = ['Ana', 'Bruno', 'Carla', 'Diego', 'Elaine', 'Fábio', 'Gabriela', 'Henrique', 'Isabel', 'João'];
const LAST_NAMES = ['Silva', 'Souza', 'Oliveira', 'Santos', 'Pereira', 'Lima', 'Carvalho', 'Ribeiro', 'Almeida'];
const TEXT =
  'Boa tarde! Gostaria de confirmar o orçamento para o evento do dia 14: são 120 convidados, serviço de ' +
  'garçons das 19h às 23h, dois bartenders e a equipe de limpeza no fim da festa. O endereço é Rua das ' +
  'Acácias, 230, Jardim Paulista, São Paulo. Vocês conseguem mandar a proposta atualizada com os valores ' +
  'por pessoa e a forma de pagamento (Pix ou cartão em 3x)? Se possível, incluam também o valor da hora ' +
  'extra caso a festa passe das 23h. Obrigada e aguardo o retorno ainda hoje, se der.';

/** A text message as Meta delivers it (compact JSON, non-ASCII escaped as \uXXXX), signed with the app secret. */
function delivery(phase: string, index: number): Delivery {
  const n = index % SENDERS;
  const waId = `55119${String((phase === 'w' ? 70_000_000 : 60_000_000) + n * 17).padStart(8, '0')}`;
  const wamid = `wamid.HBgN${Buffer.from(`${phase}${RUN_ID}:${index}:${waId}`).toString('base64')}`;
  const payload = {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: WHATSAPP_ENV.WHATSAPP_BUSINESS_ACCOUNT_ID,
        changes: [
          {
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '5511955550000', phone_number_id: PHONE_NUMBER_ID },
              contacts: [{ profile: { name: `${FIRST_NAMES[n % 10]} ${LAST_NAMES[n % 9]}` }, wa_id: waId }],
              messages: [
                {
                  from: waId,
                  id: wamid,
                  timestamp: String(Math.floor(Date.now() / 1000)),
                  text: { body: `${TEXT} (#${index})` },
                  type: 'text',
                },
              ],
            },
            field: 'messages',
          },
        ],
      },
    ],
  };
  const json = JSON.stringify(payload).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  const body = Buffer.from(json);
  return { wamid, body, signature: hubSignature(body, APP_SECRET) };
}

interface Fired {
  /** Answers, latency percentiles, when the load started and when its last answer came in. */
  result: LoadResult;
  /** wamids answered 2xx. */
  acknowledged: Set<string>;
}

/** Posts each delivery once, CONNECTIONS at a time, for at most MEASURE_SECONDS; remembers the 2xx wamids. */
async function fire(url: string, deliveries: Delivery[]): Promise<Fired> {
  const acknowledged = new Set<string>();
  const requests = deliveries.map((item) =>
    httpRequest(
      'POST',
      `${url}/webhooks/whatsapp`,
      { 'content-type': 'application/json', 'x-hub-signature-256': item.signature },
      item.body,
    ),
  );
  const result = await closedLoop({
    url,
    connections: CONNECTIONS,
    requests,
    stopAfterMs: MEASURE_SECONDS * 1000,
    timeoutMs: 10_000,
    onAnswer: (index, status) => {
      if (status >= 200 && status < 300) acknowledged.add((deliveries[index] as Delivery).wamid);
    },
  });
  return { result, acknowledged };
}

// ---------------------------------------------------------------------------------------------------
// Counting

type Query = (text: string, params?: unknown[]) => Promise<Array<Record<string, unknown>>>;

interface Stored {
  lost: number;
  duplicated: number;
  storedWithoutAck: number;
  contacts: number;
  conversations: number;
  deadJobs: number;
}

/** Checks the rows against the 2xx answers: each acknowledged wamid exactly once. */
async function checkStored(query: Query, fired: Fired, phase: string): Promise<Stored> {
  // One phase letter + 8 hex characters = 9 bytes: exactly 12 base64 characters, the same in every wamid of the phase.
  const wamidPrefix = `wamid.HBgN${Buffer.from(`${phase}${RUN_ID}`).toString('base64')}`;
  const found = (await query('SELECT source_id FROM messages WHERE source_id LIKE $1', [`${wamidPrefix}%`])).map(
    (row) => String(row.source_id),
  );
  const distinct = new Set(found);
  const scalar = async (text: string) => Number((await query(text))[0]?.n ?? 0);
  return {
    lost: [...fired.acknowledged].filter((wamid) => !distinct.has(wamid)).length,
    duplicated: found.length - distinct.size,
    storedWithoutAck: [...distinct].filter((wamid) => !fired.acknowledged.has(wamid)).length,
    contacts: await scalar('SELECT count(*) AS n FROM contacts'),
    conversations: await scalar('SELECT count(*) AS n FROM conversations'),
    deadJobs: await scalar(`SELECT count(*) AS n FROM jobs WHERE status = 'dead'`),
  };
}

/**
 * Waits until `processed()` reaches `expected` and then stops moving for QUIET_MS (deliveries stored
 * without a 2xx, cut off when the load stopped, are processed too); `at` is when it last moved.
 */
async function waitProcessed(processed: () => Promise<number>, expected: number) {
  const since = performance.now();
  let count = await processed();
  let at = performance.now();
  while (performance.now() - since < PROCESS_TIMEOUT_MS) {
    if (count >= expected && performance.now() - at >= QUIET_MS) return { at, count };
    await sleep(POLL_MS);
    const now = await processed();
    if (now !== count) {
      count = now;
      at = performance.now();
    }
  }
  return { at: undefined, count };
}

/** Webhooks processed, from Santana's own /metrics (the embedded database can be opened by one process only). */
async function webhooksDone(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let done = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('webhooks_processed_total{') && line.includes('provider="whatsapp"')) {
      if (line.includes('outcome="done"')) done += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return done;
}

// ---------------------------------------------------------------------------------------------------
// One ingest run against a started server

interface Mode {
  requests: number;
  /** Transactions the database has run so far, when it can tell (PostgreSQL). */
  transactions?: () => Promise<number>;
  /** Messages processed so far (rows or jobs, whichever this mode can see while the server runs). */
  processed(server: Server): Promise<number>;
}

async function ingest(server: Server, mode: Mode) {
  // Warm-up: JIT, connection pools, the first contacts; waited for so the measured run starts idle.
  const warm = await fire(
    server.url,
    Array.from({ length: WARMUP_REQUESTS }, (_, i) => delivery('w', i)),
  );
  const warmDone = await waitProcessed(() => mode.processed(server), warm.acknowledged.size);
  if (warmDone.at === undefined) throw new Error(`warm-up: only ${warmDone.count} of ${warm.acknowledged.size} done`);

  const deliveries = Array.from({ length: mode.requests }, (_, i) => delivery('m', i));
  const averageBytes = deliveries.reduce((sum, item) => sum + item.body.length, 0) / deliveries.length;
  print(
    `    up to ${fmtInt(mode.requests)} deliveries in at most ${MEASURE_SECONDS} s, ${fmtInt(averageBytes)} bytes on ` +
      `average, ${SENDERS} senders, ${CONNECTIONS} connections (after a ${fmtInt(WARMUP_REQUESTS)}-delivery warm-up)`,
  );
  const baseline = await mode.processed(server);
  const cpuBefore = cpuSeconds(server.pid);
  const transactionsBefore = await mode.transactions?.();
  const fired = await fire(server.url, deliveries);
  const ackedAt = fired.result.lastAnswerAt;
  const done = await waitProcessed(async () => (await mode.processed(server)) - baseline, fired.acknowledged.size);
  const transactionsAfter = await mode.transactions?.();
  return {
    fired,
    ackedAt,
    done,
    peakRss: peakRssMb(server.pid),
    rssAfter: rssMb(server.pid),
    cpuSeconds: cpuSeconds(server.pid) - cpuBefore,
    // Includes this script's polling: a few hundred transactions, against tens of thousands.
    transactions:
      transactionsBefore === undefined || transactionsAfter === undefined
        ? undefined
        : transactionsAfter - transactionsBefore,
  };
}

function report(
  label: string,
  run: Awaited<ReturnType<typeof ingest>>,
  stored: Stored,
  reference: Reference & { label: string },
  /**
   * The issue sets its speed targets for PostgreSQL and asks for the same figures from the embedded
   * default: those are shown beside PostgreSQL's targets, not judged by them. Nothing lost applies to both.
   */
  judged: boolean,
): void {
  const { result, acknowledged } = run.fired;
  const speed = (ok: boolean, target: string) =>
    judged ? { ok, target } : { ok: null, target: `none (PostgreSQL's: ${target})` };
  const { startedAt } = result;
  const acked = acknowledged.size;
  const failed = result.non2xx + result.errors + result.timeouts;
  const acceptedPerSecond = acked / ((run.ackedAt - startedAt) / 1000);
  const processedMs = (run.done.at ?? performance.now()) - startedAt;
  const processedPerSecond = (run.done.count / processedMs) * 1000;
  print(
    `    answers: ${fmtInt(acked)} 2xx, ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts ` +
      `in ${fmtMs(run.ackedAt - startedAt)}; latency p50 ${result.latency.p50} ms, p90 ${result.latency.p90} ms, ` +
      `p99 ${result.latency.p99} ms, max ${result.latency.max} ms`,
  );
  print(
    `    processed: ${fmtInt(run.done.count)} in ${fmtMs(processedMs)} from the first request` +
      `${run.done.at === undefined ? ` (gave up ${fmtMs(PROCESS_TIMEOUT_MS)} after the last answer)` : ''}; ` +
      `${fmtInt(stored.contacts)} contacts, ${fmtInt(stored.conversations)} conversations, ${stored.deadJobs} dead jobs; ` +
      `server RSS peak ${fmtMb(run.peakRss)}, now ${fmtMb(run.rssAfter)}`,
  );
  const perMessage = Math.max(1, run.done.count);
  print(
    `    cost per message (accept + process): ${((run.cpuSeconds * 1000) / perMessage).toFixed(2)} ms of server CPU` +
      (run.transactions === undefined ? '' : `, ${(run.transactions / perMessage).toFixed(2)} PostgreSQL transactions`),
  );
  record({
    figure: `${label}: accepted webhooks/s`,
    value: `${fmtInt(acceptedPerSecond)}/s${failed > 0 ? ` (${failed} failed)` : ''}`,
    ...speed(acceptedPerSecond >= TARGET.acceptedPerSecond && failed === 0, `≥ ${fmtInt(TARGET.acceptedPerSecond)}/s`),
  });
  record({ figure: `${label}: ack latency p50`, value: `${result.latency.p50} ms`, target: '', ok: null });
  record({
    figure: `${label}: ack latency p99`,
    value: `${result.latency.p99} ms`,
    ...speed(result.latency.p99 < TARGET.ackP99Ms, `< ${TARGET.ackP99Ms} ms`),
  });
  record({
    figure: `${label}: processed messages/s (webhook → row)`,
    value: `${fmtInt(processedPerSecond)}/s`,
    ...speed(
      processedPerSecond >= TARGET.processedPerSecond && run.done.at !== undefined,
      `≥ ${fmtInt(TARGET.processedPerSecond)}/s`,
    ),
  });
  record({
    figure: `${label}: lost / duplicated (rows vs 2xx)`,
    value:
      `${stored.lost} / ${stored.duplicated}` +
      (stored.storedWithoutAck > 0 ? ` (+${stored.storedWithoutAck} stored without a 2xx)` : ''),
    target: '0 / 0',
    ok: stored.lost === 0 && stored.duplicated === 0,
  });
  record({ figure: `${label}: server RSS peak`, value: fmtMb(run.peakRss), target: '', ok: null });
  record({
    figure: `${label}: reference, ${reference.label}`,
    value: `${fmtInt(reference.rowsPerSecond)} rows/s (SELECT 1 round trip ${reference.roundTripMs.toFixed(2)} ms)`,
    target: '',
    ok: null,
  });
}

// ---------------------------------------------------------------------------------------------------
// References: the same database doing nothing but single-row INSERTs

const SCRATCH_TABLE =
  'CREATE TABLE bench_insert (id bigserial PRIMARY KEY, body text NOT NULL, at timestamptz DEFAULT now())';
const REFERENCE_BODY = 'x'.repeat(1000);

interface Reference {
  rowsPerSecond: number;
  /** One `SELECT 1` there and back: how busy the machine is shows here first. */
  roundTripMs: number;
}

async function roundTripMs(query: () => Promise<unknown>): Promise<number> {
  let count = 0;
  const startedAt = performance.now();
  while (performance.now() - startedAt < 1000) {
    await query();
    count++;
  }
  return (performance.now() - startedAt) / count;
}

/** `clients` connections each INSERTing one row per statement (autocommit) for REFERENCE_MS, like pgbench. */
async function postgresInsertRate(url: string, clients: number): Promise<Reference> {
  const connections = Array.from({ length: clients }, () => new pg.Client({ connectionString: url }));
  await Promise.all(connections.map((client) => client.connect()));
  try {
    const first = connections[0] as pg.Client;
    const roundTrip = await roundTripMs(() => first.query('SELECT 1'));
    await first.query(SCRATCH_TABLE);
    let inserted = 0;
    const startedAt = performance.now();
    await Promise.all(
      connections.map(async (client) => {
        while (performance.now() - startedAt < REFERENCE_MS) {
          await client.query('INSERT INTO bench_insert (body) VALUES ($1)', [REFERENCE_BODY]);
          inserted++;
        }
      }),
    );
    const rate = (inserted / (performance.now() - startedAt)) * 1000;
    await first.query('DROP TABLE bench_insert');
    return { rowsPerSecond: rate, roundTripMs: roundTrip };
  } finally {
    await Promise.all(connections.map((client) => client.end()));
  }
}

/** PGlite has one connection: INSERTs one after another, in a data directory like DATA_DIR. */
async function pgliteInsertRate(): Promise<Reference> {
  const db = await PGlite.create(tempDir('pglite-ref'));
  try {
    const roundTrip = await roundTripMs(() => db.query('SELECT 1'));
    await db.exec(SCRATCH_TABLE);
    let inserted = 0;
    const startedAt = performance.now();
    while (performance.now() - startedAt < REFERENCE_MS) {
      await db.query('INSERT INTO bench_insert (body) VALUES ($1)', [REFERENCE_BODY]);
      inserted++;
    }
    return { rowsPerSecond: (inserted / (performance.now() - startedAt)) * 1000, roundTripMs: roundTrip };
  } finally {
    await db.close();
  }
}

// ---------------------------------------------------------------------------------------------------
// Sections

async function postgresSection(): Promise<void> {
  print(`\n▸ PostgreSQL + Redis (BullMQ driver): node bin/santana.js serve --role=all`);
  const name = await createScratchDatabase('_ingest');
  const url = databaseUrl(name);
  const reference = await postgresInsertRate(url, CONNECTIONS);
  const counter = new pg.Client({ connectionString: url });
  // Dropping the scratch database ends this connection; that must not crash the run.
  counter.on('error', () => {});
  await counter.connect();
  // Counted every 50 ms while messages are processed: a parallel worker forked for each count would take
  // a share of the CPUs the server is being measured on.
  await counter.query('SET max_parallel_workers_per_gather = 0');
  let server: Server | undefined;
  try {
    server = await startSantana({
      env: { ...WHATSAPP_ENV, DATABASE_URL: url, REDIS_URL, REDIS_PREFIX },
      dataDir: tempDir('pg'),
      label: 'ingest-pg',
    });
    const messages = async () => Number((await counter.query('SELECT count(*) AS n FROM messages')).rows[0]?.n ?? 0);
    const run = await ingest(server, {
      requests: REQUESTS.postgres,
      processed: messages,
      transactions: () => databaseTransactions(name),
    });
    const stored = await checkStored(async (text, params) => (await counter.query(text, params)).rows, run.fired, 'm');
    report('PostgreSQL', run, stored, { ...reference, label: `raw single-row INSERT, ${CONNECTIONS} clients` }, true);
  } finally {
    await server?.stop();
    await counter.end();
  }
}

async function embeddedSection(): Promise<void> {
  print(`\n▸ Embedded default (PGlite in DATA_DIR, in-process jobs): node bin/santana.js serve --role=all`);
  const reference = await pgliteInsertRate();
  const dataDir = tempDir('embedded');
  const server = await startSantana({ env: WHATSAPP_ENV, dataDir, label: 'ingest-embedded' });
  let run: Awaited<ReturnType<typeof ingest>>;
  try {
    run = await ingest(server, {
      requests: REQUESTS.embedded,
      processed: (s) => webhooksDone(s.url),
    });
  } finally {
    await server.stop();
  }
  // Only now may this process open the data directory (one process at a time).
  const db = await PGlite.create(path.join(dataDir, 'pglite'));
  try {
    const stored = await checkStored(
      async (text, params) => (await db.query(text, params)).rows as never,
      run.fired,
      'm',
    );
    report('Embedded', run, stored, { ...reference, label: 'raw PGlite single-row INSERT, one connection' }, false);
  } finally {
    await db.close();
  }
}

// ---------------------------------------------------------------------------------------------------

async function cleanup(): Promise<void> {
  killChildren();
  await dropScratchDatabases().catch((error) => print(`  (could not drop scratch databases: ${error})`));
  await deleteRedisKeys(REDIS_PREFIX).catch((error) =>
    print(`  (could not remove Redis keys ${REDIS_PREFIX}*: ${error})`),
  );
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}

const SECTIONS: Record<string, () => Promise<void>> = { postgres: postgresSection, embedded: embeddedSection };

async function main(): Promise<number> {
  const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
  const unknown = wanted.filter((name) => !(name in SECTIONS));
  if (unknown.length > 0) {
    print(`Unknown section(s): ${unknown.join(', ')}. Sections: ${Object.keys(SECTIONS).join(', ')}.`);
    return 2;
  }
  const cpu = cpus();
  print(
    `Santana ingest benchmark — node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'cpu'}, ` +
      `${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM`,
  );
  const safeUrl = new URL(DATABASE_URL);
  safeUrl.password = '';
  print(`PostgreSQL ${safeUrl.host} (scratch database santana_bench_${RUN_ID}_ingest), Redis prefix ${REDIS_PREFIX}`);
  return runSections(SECTIONS, wanted, cleanup);
}

// Exit explicitly: a client library's lingering socket or timer must not keep a finished run alive.
process.exit(await main());
