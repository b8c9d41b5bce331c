import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { freePort } from '../test/helpers/server-process.js';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const SANTANA_BIN = path.join(ROOT, 'bin', 'santana.js');
export const PGLITE_CHILD = path.join(ROOT, 'bench', 'pglite-child.mjs');

export const print = (line = '') => void process.stdout.write(`${line}\n`);
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export { freePort };

export const fmtMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
export const fmtMb = (mb: number) => `${mb.toFixed(0)} MB`;
export const fmtInt = (value: number) => Math.round(value).toLocaleString('en-US');

export const scratchDir = (label: string) => mkdtempSync(path.join(tmpdir(), `santana-bench-${label}-`));

function procStatusMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
  if (!match?.[1]) throw new Error(`No ${field} for pid ${pid}`);
  return Number(match[1]) / 1024;
}

/** Resident set size of a live process, from the kernel (MB). */
export const rssMb = (pid: number) => procStatusMb(pid, 'VmRSS');

/** The highest resident set size a live process has reached so far (the kernel's high-water mark, MB). */
export const peakRssMb = (pid: number) => procStatusMb(pid, 'VmHWM');

/** CPU time a live process has used so far, user + system (seconds; Linux counts in 1/100 s ticks). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces: fields are counted from the last ')'; utime and stime are 14th and 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

// ---------------------------------------------------------------------------------------------------
// PostgreSQL scratch databases

export const DATABASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
export const RUN_ID = randomBytes(4).toString('hex');

export function databaseUrl(name: string): string {
  const url = new URL(DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Transactions committed or rolled back in a database so far (PostgreSQL's statistics, fresh snapshot). */
export async function databaseTransactions(database: string): Promise<number> {
  return withAdmin(async (client) => {
    await client.query('SELECT pg_stat_clear_snapshot()');
    const result = await client.query<{ n: string }>(
      'SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = $1',
      [database],
    );
    return Number(result.rows[0]?.n ?? 0);
  });
}

const created: string[] = [];

export async function createScratchDatabase(suffix = ''): Promise<string> {
  const name = `santana_bench_${RUN_ID}${suffix}`;
  await withAdmin((client) => client.query(`CREATE DATABASE ${name}`));
  created.push(name);
  return name;
}

export async function dropScratchDatabases(): Promise<void> {
  if (created.length === 0) return;
  await withAdmin(async (client) => {
    for (const name of created.splice(0)) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
}

/** Removes every Redis key under a benchmark's own prefix (BullMQ queues of the servers it started). */
export async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

// ---------------------------------------------------------------------------------------------------
// Child processes

/** Every child we start, so an interrupted run does not leave servers behind. */
const children = new Set<ChildProcess>();

export function killChildren(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

function track(child: ChildProcess): Promise<Exit> {
  children.add(child);
  return new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
}

export interface Server {
  pid: number;
  url: string;
  /** ms from spawn to the first 200 on /readyz. */
  readyMs: number;
  logFile: string;
  /** `startupMs` from Santana's own "listening" log line (createApp + listen, after imports). */
  startupMs(): number | undefined;
  stop(): Promise<Exit>;
}

/**
 * Spawns `node bin/santana.js serve --role=all` (or the given args) on a free port and polls /readyz every
 * few ms; the time is taken from just before spawn to the first 200. Logs go to a file, not through this process.
 */
export async function startSantana(options: {
  env: Record<string, string>;
  dataDir: string;
  args?: string[];
  label: string;
  readyTimeoutMs?: number;
}): Promise<Server> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logFile = path.join(options.dataDir, `${options.label}.log`);
  const fd = openSync(logFile, 'a');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: options.dataDir,
    FRONTEND_URL: url,
    ...options.env,
  };
  const startedAt = performance.now();
  // e.g. BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server under load.
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, SANTANA_BIN, 'serve', ...(options.args ?? ['--role=all'])], {
    cwd: ROOT,
    env,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const exited = track(child);
  let exitedEarly = false;
  void exited.then(() => {
    exitedEarly = true;
  });
  const deadline = startedAt + (options.readyTimeoutMs ?? 60_000);
  let readyMs = 0;
  for (;;) {
    try {
      const response = await fetch(`${url}/readyz`);
      await response.arrayBuffer();
      if (response.status === 200) {
        readyMs = performance.now() - startedAt;
        break;
      }
    } catch {
      // not listening yet
    }
    if (exitedEarly || performance.now() > deadline) {
      child.kill('SIGKILL');
      await exited;
      const log = readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n');
      throw new Error(`santana serve (${options.label}) ${exitedEarly ? 'exited' : 'was not ready in time'}:\n${log}`);
    }
    await sleep(5);
  }
  if (child.pid === undefined) throw new Error('spawn returned no pid');
  const pid = child.pid;
  return {
    pid,
    url,
    readyMs,
    logFile,
    startupMs() {
      for (const line of readFileSync(logFile, 'utf8').split('\n').reverse()) {
        if (!line.includes('"startupMs"')) continue;
        try {
          return (JSON.parse(line) as { startupMs?: number }).startupMs;
        } catch {
          // not a JSON line
        }
      }
      return undefined;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

export interface PgliteChild {
  pid: number;
  /** ms from spawn to the child's "ready" line (PGlite open + SELECT 1 answered). */
  readyMs: number;
  /** Waits for a later line (e.g. "loaded") from the child. */
  waitFor(word: string): Promise<void>;
  stop(): Promise<Exit>;
}

/** Spawns plain `node bench/pglite-child.mjs <dir> [load]`: raw PGlite, none of Santana's code. */
export async function startRawPglite(dataDir: string, mode: 'open' | 'load'): Promise<PgliteChild> {
  const startedAt = performance.now();
  const child = spawn(process.execPath, [PGLITE_CHILD, dataDir, mode], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = track(child);
  let output = '';
  let errors = '';
  const waiters: Array<{ word: string; resolve: () => void }> = [];
  const seen = new Map<string, number>();
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    const now = performance.now();
    output += chunk;
    for (const line of output.split('\n')) {
      const word = line.trim();
      if (word && !seen.has(word)) seen.set(word, now);
    }
    for (const waiter of [...waiters]) {
      if (seen.has(waiter.word)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  });
  child.stderr?.on('data', (chunk) => {
    errors += chunk;
  });
  const waitFor = (word: string) =>
    new Promise<void>((resolve, reject) => {
      if (seen.has(word)) return resolve();
      waiters.push({ word, resolve });
      void exited.then(({ code }) => {
        if (!seen.has(word)) reject(new Error(`raw PGlite child exited (${code}) before "${word}":\n${errors}`));
      });
    });
  await waitFor('ready');
  if (child.pid === undefined) throw new Error('spawn returned no pid');
  return {
    pid: child.pid,
    readyMs: (seen.get('ready') ?? Number.NaN) - startedAt,
    waitFor,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Results

export interface Row {
  figure: string;
  value: string;
  target: string;
  /** true/false for a target met or missed; null for information only. */
  ok: boolean | null;
}

export const rows: Row[] = [];

export function record(row: Row): void {
  rows.push(row);
  const mark = row.ok === null ? ' ' : row.ok ? '✓' : '✗';
  print(`  ${mark} ${row.figure}: ${row.value}${row.target ? `   (target ${row.target})` : ''}`);
}

export function printTable(): void {
  const headers = ['', 'figure', 'value', 'target'];
  const body = rows.map((row) => [row.ok === null ? ' ' : row.ok ? '✓' : '✗', row.figure, row.value, row.target]);
  const widths = headers.map((header, i) => Math.max(header.length, ...body.map((cells) => (cells[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  print(line(headers));
  print(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const cells of body) print(line(cells));
}

/**
 * Runs the chosen sections (all when none is named) with cleanup on success, failure or Ctrl-C, then
 * prints the results table. A section that throws is reported and counted; slow figures never fail a run.
 */
export async function runSections(
  sections: Record<string, () => Promise<void>>,
  wanted: string[],
  cleanup: () => Promise<void>,
): Promise<number> {
  const cpu = cpus();
  const [load1 = 0] = loadavg();
  if (load1 > cpu.length / 2) {
    print(
      `Note: the machine is busy (load average ${load1.toFixed(1)} on ${cpu.length} CPUs); figures will be pessimistic.`,
    );
  }
  const onSignal = () => {
    print('\nInterrupted; cleaning up.');
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const startedAt = performance.now();
  let failed = 0;
  try {
    for (const [name, run] of Object.entries(sections)) {
      if (wanted.length > 0 && !wanted.includes(name)) continue;
      try {
        await run();
      } catch (error) {
        failed++;
        print(`  ! ${name} could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        record({ figure: `${name} section`, value: 'error (see above)', target: '', ok: false });
      }
    }
  } finally {
    await cleanup();
  }

  print(`\nResults (${fmtMs(performance.now() - startedAt)} in all)\n`);
  printTable();
  const missed = rows.filter((row) => row.ok === false).length;
  print(
    `\n${missed === 0 ? 'Every target met.' : `${missed} target(s) missed.`} ` +
      'Figures depend on the machine; a benchmark does not fail on a slow one.',
  );
  return failed > 0 ? 1 : 0;
}
