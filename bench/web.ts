/**
 * `npm run bench:web`: the attendants' web app with a big inbox, measured in Debian's chromium.
 *
 *  - bundle: builds web/ (npm run build:web) and prints every asset's raw and gzip size; the JS a first
 *    visit downloads must stay ≤ 300 kB gzipped.
 *  - embedded / postgres: the real server (node bin/santana.js serve) with 10,000 open conversations and
 *    one of 2,000 messages seeded into its database; then, in a chromium tab signed in once: navigation
 *    to /conversas → the first row visible and clickable, and a click on the long conversation → its
 *    newest message on screen. Medians of 5 runs; target < 1 s each. The API calls behind them are timed
 *    on their own (fetch, no browser) to tell server time from rendering.
 *
 * Prints figures with targets and ✓/✗; never fails on a slow machine (exit 1 only when a section could
 * not run). Creates and drops its own temp directories and PostgreSQL database.
 *
 *   npm run bench:web                     everything (about 1–2 minutes)
 *   npm run bench:web -- bundle embedded  only some sections: bundle, embedded, postgres
 *   npm run bench:web -- --no-build       measure web/dist as it is (skips npm run build:web)
 */
import { execSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import path from 'node:path';
import { type DatabaseHandle, openDatabase, openPglite } from '../src/db/client.js';
import { createLogger } from '../src/shared/logger.js';
import { launchChromium } from '../test/helpers/browser.js';
import {
  createScratchDatabase,
  databaseUrl,
  dropScratchDatabases,
  fmtMs,
  killChildren,
  median,
  print,
  ROOT,
  RUN_ID,
  record,
  runSections,
  type Server,
  scratchDir,
  startSantana,
} from './support.js';
import { measureInBrowser, runsText, VIEWPORT } from './web-browser.js';
import { fmtKb, measureBundle } from './web-bundle.js';
import { CONVERSATIONS, type SeededInbox, seedInbox } from './web-seed.js';

const API_RUNS = 5;
const INITIAL_JS_TARGET = 300_000;
// A first start migrates a new database; on a busy 2-core machine that has taken close to a minute.
const READY_TIMEOUT_MS = 120_000;

const ADMIN_EMAIL = 'bench@santana.local';
const ADMIN_PASSWORD = `bench-${RUN_ID}-password`;
// The simulator gives the account a WhatsApp inbox; NODE_ENV=production (startSantana) turns it off otherwise.
const SERVER_ENV = { ADMIN_EMAIL, ADMIN_PASSWORD, SIMULATOR: 'on' };

const silent = createLogger('silent');
const dirs: string[] = [];
const tempDir = (label: string) => {
  const dir = scratchDir(label);
  dirs.push(dir);
  return dir;
};

// ---------------------------------------------------------------------------------------------------
// Bundle

const KIND_ORDER = { js: 0, css: 1, other: 2, map: 3 } as const;

async function bundleSection(): Promise<void> {
  if (process.argv.includes('--no-build')) {
    print('\n▸ Bundle: web/dist as it is (--no-build)');
  } else {
    print('\n▸ Bundle: npm run build:web');
    execSync('npm run --silent build:web', { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const { assets, entries } = measureBundle(path.join(ROOT, 'web', 'dist'));
  print(`    index.html loads: ${entries.join(', ')}`);
  const width = Math.max(...assets.map((asset) => asset.file.length));
  const line = (file: string, raw: string, gzip: string, note: string) =>
    print(`    ${file.padEnd(width)}  ${raw.padStart(10)}  ${gzip.padStart(10)}  ${note}`);
  line('file', 'raw', 'gzip -9', '');
  const shown = assets
    .filter((asset) => asset.kind !== 'map')
    .sort(
      (a, b) => Number(b.initial) - Number(a.initial) || KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || b.gzip - a.gzip,
    );
  for (const asset of shown) {
    line(asset.file, fmtKb(asset.raw), fmtKb(asset.gzip), asset.initial ? 'initial' : 'lazy (import())');
  }
  const maps = assets.filter((asset) => asset.kind === 'map');
  if (maps.length > 0) {
    const total = maps.reduce((sum, asset) => sum + asset.raw, 0);
    print(`    + ${maps.length} source map(s), ${fmtKb(total)} raw: fetched only by developer tools`);
  }
  const sum = (list: typeof assets) => list.reduce((total, asset) => total + asset.gzip, 0);
  const initialJs = assets.filter((asset) => asset.initial && asset.kind === 'js');
  const lazyJs = assets.filter((asset) => !asset.initial && asset.kind === 'js');
  const initialJsGzip = sum(initialJs);
  record({
    figure: `Initial JS, gzip -9 (${initialJs.length} chunk${initialJs.length === 1 ? '' : 's'})`,
    value: `${fmtKb(initialJsGzip)} (${fmtKb(initialJs.reduce((total, asset) => total + asset.raw, 0))} raw)`,
    target: '≤ 300 kB',
    ok: initialJsGzip <= INITIAL_JS_TARGET,
  });
  const initialCss = assets.filter((asset) => asset.initial && asset.kind === 'css');
  record({ figure: 'Initial CSS, gzip -9', value: fmtKb(sum(initialCss)), target: '', ok: null });
  record({
    figure: `Lazy JS, gzip -9 (${lazyJs.length} chunk${lazyJs.length === 1 ? '' : 's'})`,
    value: fmtKb(sum(lazyJs)),
    target: '',
    ok: null,
  });
}

// ---------------------------------------------------------------------------------------------------
// The API behind the screens, without a browser

async function apiTimes(title: string, server: Server, seeded: SeededInbox): Promise<void> {
  const signIn = await fetch(`${server.url}/auth/sign_in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
  });
  const body = (await signIn.json()) as { data?: { access_token?: string } };
  const token = body.data?.access_token;
  if (!token) throw new Error(`sign-in failed: ${signIn.status} ${JSON.stringify(body)}`);
  const base = `${server.url}/api/v1/accounts/${seeded.accountId}`;
  const timed = async (label: string, url: string) => {
    const times: number[] = [];
    for (let run = 0; run <= API_RUNS; run++) {
      const startedAt = performance.now();
      const response = await fetch(url, { headers: { api_access_token: token } });
      const text = await response.text();
      if (response.status !== 200) throw new Error(`${label} answered ${response.status}: ${text.slice(0, 200)}`);
      if (run > 0) times.push(performance.now() - startedAt); // the first one warms the server up
    }
    print(`    ${label}: ${runsText(times)}`);
    return median(times);
  };
  const list = await timed(
    'GET /conversations (Minhas, abertas)',
    `${base}/conversations?status=open&assignee_type=me`,
  );
  const all = await timed('GET /conversations (Todas, abertas)', `${base}/conversations?status=open&assignee_type=all`);
  const messages = await timed(
    `GET /conversations/${seeded.longDisplayId}/messages`,
    `${base}/conversations/${seeded.longDisplayId}/messages`,
  );
  record({ figure: `${title}: API GET /conversations, Minhas (median)`, value: fmtMs(list), target: '', ok: null });
  record({ figure: `${title}: API GET /conversations, Todas (median)`, value: fmtMs(all), target: '', ok: null });
  record({ figure: `${title}: API GET …/messages, long one (median)`, value: fmtMs(messages), target: '', ok: null });
}

// ---------------------------------------------------------------------------------------------------
// Sections

/**
 * Starts the server once so it creates its schema, administrator and simulator inbox, stops it, seeds
 * (PGlite's data directory has one owner at a time), then starts it again and measures.
 */
async function measureServer(
  title: string,
  label: string,
  env: Record<string, string>,
  openDb: (dataDir: string) => Promise<DatabaseHandle>,
  analyze: boolean,
): Promise<void> {
  const dataDir = tempDir(label);
  await (await startSantana({ env, dataDir, label: `${label}-first`, readyTimeoutMs: READY_TIMEOUT_MS })).stop();
  const seedStartedAt = performance.now();
  const database = await openDb(dataDir);
  let seeded: SeededInbox;
  try {
    seeded = await seedInbox(database, { analyze });
  } finally {
    await database.close();
  }
  print(
    `    seeded ${seeded.conversations.toLocaleString('en-US')} conversations and ` +
      `${seeded.messages.toLocaleString('en-US')} messages in ${fmtMs(performance.now() - seedStartedAt)}`,
  );
  if (seeded.conversations < CONVERSATIONS) throw new Error(`only ${seeded.conversations} conversations seeded`);
  const server = await startSantana({ env, dataDir, label, readyTimeoutMs: READY_TIMEOUT_MS });
  try {
    const browser = await launchChromium();
    try {
      await measureInBrowser({
        title,
        browser,
        url: server.url,
        seeded,
        credentials: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
      });
    } finally {
      await browser.close();
    }
    await apiTimes(title, server, seeded);
  } finally {
    await server.stop();
  }
}

async function embeddedSection(): Promise<void> {
  print('\n▸ Embedded default (PGlite in DATA_DIR): node bin/santana.js serve');
  await measureServer('Embedded', 'embedded', SERVER_ENV, (dataDir) => openPglite(path.join(dataDir, 'pglite')), false);
}

async function postgresSection(): Promise<void> {
  print('\n▸ PostgreSQL: node bin/santana.js serve');
  const url = databaseUrl(await createScratchDatabase('_web'));
  await measureServer(
    'PostgreSQL',
    'postgres',
    { ...SERVER_ENV, DATABASE_URL: url },
    () => openDatabase({ kind: 'postgres', url, poolSize: 1, startupTimeoutMs: 5000 }, silent),
    true,
  );
}

// ---------------------------------------------------------------------------------------------------

async function cleanup(): Promise<void> {
  killChildren();
  await dropScratchDatabases().catch((error) => print(`  (could not drop scratch databases: ${error})`));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}

const SECTIONS: Record<string, () => Promise<void>> = {
  bundle: bundleSection,
  embedded: embeddedSection,
  postgres: postgresSection,
};

async function main(): Promise<number> {
  const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
  const unknown = wanted.filter((name) => !(name in SECTIONS));
  if (unknown.length > 0) {
    print(`Unknown section(s): ${unknown.join(', ')}. Sections: ${Object.keys(SECTIONS).join(', ')}.`);
    return 2;
  }
  const cpu = cpus();
  print(
    `Santana web benchmark — node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'cpu'}, ` +
      `${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, /usr/bin/chromium headless, ${VIEWPORT.width}×${VIEWPORT.height}`,
  );
  return runSections(SECTIONS, wanted, cleanup);
}

// Exit explicitly: a client library's lingering socket or timer must not keep a finished run alive.
process.exit(await main());
