import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { Redis } from 'ioredis';
import pg from 'pg';
import { type RunningServer, runSantana, type SpawnedProcess, startServer, tempDataDir } from './server-process.js';

/** Known administrator credentials, passed to the server as ADMIN_EMAIL / ADMIN_PASSWORD. */
export const ADMIN = { email: 'admin@example.com', password: 'senha-do-admin-e2e-123' };
export const ADMIN_ENV = { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password };

/** Set by CI (.ci/run); the PostgreSQL and Redis variants run only then. */
export const POSTGRES_URL = process.env.DATABASE_URL;
export const REDIS_URL = process.env.REDIS_URL;

const SECRET_KEY_BASE = 'e2e-secret-key-base-0123456789abcdef0123456789abcdef';

const isRunning = (spawned: SpawnedProcess) => spawned.child.exitCode === null && spawned.child.signalCode === null;

/**
 * Starts `santana` children and remembers them and their DATA_DIRs, so `killAll()` (in afterEach/afterAll)
 * leaves no child running and no embedded database (~40 MB each) behind, even when a test fails half-way.
 */
export function createProcessTracker() {
  const children = new Set<SpawnedProcess>();
  const dirs = new Set<string>();
  const track = <T extends SpawnedProcess>(spawned: T): T => {
    children.add(spawned);
    return spawned;
  };
  const tempDir = () => {
    const dir = tempDataDir();
    dirs.add(dir);
    return dir;
  };
  return {
    /** A fresh DATA_DIR, removed by killAll(). */
    tempDir,
    start: async (options: Parameters<typeof startServer>[0] = {}): Promise<RunningServer> =>
      track(await startServer({ ...options, dataDir: options.dataDir ?? tempDir() })),
    run: (args: string[], env: Record<string, string | undefined>): SpawnedProcess => track(runSantana(args, env)),
    async killAll(): Promise<void> {
      await Promise.all(
        [...children].map(async (spawned) => {
          if (isRunning(spawned)) spawned.child.kill('SIGKILL');
          await spawned.exited;
        }),
      );
      children.clear();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
      dirs.clear();
    },
  };
}

/** Polls `probe` until it returns something other than undefined. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${last})` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until the child has written text matching `pattern` on stdout or stderr. */
export function waitForOutput(spawned: SpawnedProcess, pattern: RegExp, timeoutMs = 10_000): Promise<true> {
  return waitFor(
    `output matching ${pattern}`,
    async () => (pattern.test(spawned.stdout() + spawned.stderr()) ? true : undefined),
    timeoutMs,
  );
}

export interface ExitOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Milliseconds from the call until the child exited (or until we gave up waiting). */
  ms: number;
  /** Still running after the time allowed (then code and signal are null). */
  timedOut: boolean;
}

/** Waits up to `timeoutMs` for the child to exit; a child still running is reported, not killed. */
export async function exitWithin(spawned: SpawnedProcess, timeoutMs: number): Promise<ExitOutcome> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), timeoutMs);
  });
  try {
    const exit = await Promise.race([spawned.exited, timeout]);
    return exit
      ? { ...exit, ms: Date.now() - started, timedOut: false }
      : { code: null, signal: null, ms: Date.now() - started, timedOut: true };
  } finally {
    clearTimeout(timer);
  }
}

/** What a client keeps after signing in: the session cookie and the session's API token. */
export interface SignedIn {
  cookie: string;
  token: string;
  user: { id: number; name: string; email: string; account_id: number | null };
}

export function postSignIn(baseUrl: string, credentials: { email: string; password: string }): Promise<Response> {
  return fetch(`${baseUrl}/auth/sign_in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
  });
}

export function sessionCookieOf(response: Response): string {
  for (const header of response.headers.getSetCookie()) {
    const match = /^santana_session=([^;]+)/.exec(header);
    if (match?.[1]) return match[1];
  }
  throw new Error('no santana_session cookie in the response');
}

export async function signIn(baseUrl: string, credentials = ADMIN): Promise<SignedIn> {
  const response = await postSignIn(baseUrl, credentials);
  if (response.status !== 200) throw new Error(`sign in failed: ${response.status} ${await response.text()}`);
  const { data } = (await response.json()) as { data: SignedIn['user'] & { access_token: string } };
  return { cookie: sessionCookieOf(response), token: data.access_token, user: data };
}

export const withToken = (token: string) => ({ api_access_token: token });
export const withCookie = (cookie: string) => ({ cookie: `santana_session=${cookie}` });

export interface JobView {
  id: number;
  name: string;
  status: 'scheduled' | 'queued' | 'running' | 'done' | 'dead';
  attempts: number;
  max_attempts: number;
  last_error: string | null;
  finished_at: string | null;
}

/** POST /api/v1/accounts/1/jobs/probe: a job that sleeps `sleepMs` and finishes. */
export async function enqueueProbe(baseUrl: string, token: string, sleepMs: number): Promise<number> {
  const response = await fetch(`${baseUrl}/api/v1/accounts/1/jobs/probe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...withToken(token) },
    body: JSON.stringify({ sleep_ms: sleepMs }),
  });
  if (response.status !== 202) throw new Error(`enqueue failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { id: number }).id;
}

export async function getJob(baseUrl: string, token: string, id: number): Promise<JobView> {
  const response = await fetch(`${baseUrl}/api/v1/accounts/1/jobs/${id}`, { headers: withToken(token) });
  if (response.status !== 200) throw new Error(`GET job ${id}: ${response.status} ${await response.text()}`);
  return (await response.json()) as JobView;
}

export function waitForJobStatus(
  baseUrl: string,
  token: string,
  id: number,
  status: JobView['status'],
  timeoutMs = 20_000,
): Promise<JobView> {
  let last: JobView | undefined;
  return waitFor(
    `job ${id} to be ${status}`,
    async () => {
      last = await getJob(baseUrl, token, id);
      return last.status === status ? last : undefined;
    },
    timeoutMs,
  ).catch((error: Error) => {
    throw new Error(`${error.message}; it was last ${last?.status} after ${last?.attempts} attempt(s)`);
  });
}

/** A job row as `santana jobs:list` prints it (read without running any worker). */
export async function jobFromCli(
  tracker: ReturnType<typeof createProcessTracker>,
  env: Record<string, string | undefined>,
  id: number,
): Promise<{ status: string; attempts: string; lastError: string }> {
  const listing = tracker.run(['jobs:list', '--limit', '100'], env);
  const { code } = await listing.exited;
  if (code !== 0) throw new Error(`jobs:list exited ${code}: ${listing.stderr()}`);
  const row = listing
    .stdout()
    .split('\n')
    .map((line) => line.split('\t'))
    .find((columns) => columns[0] === String(id));
  if (!row) throw new Error(`job ${id} not in jobs:list:\n${listing.stdout()}`);
  return { status: row[1] ?? '', attempts: row[3] ?? '', lastError: row[6] ?? '' };
}

/** Environment for a child on its own fresh PostgreSQL database (and Redis, when asked for). */
export function postgresEnv(databaseUrl: string, options: { redis?: boolean } = {}): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    SECRET_KEY_BASE,
    ...(options.redis && REDIS_URL
      ? { REDIS_URL, REDIS_PREFIX: `e2e${process.pid}${randomBytes(4).toString('hex')}` }
      : {}),
  };
}

/** Removes what a run left in Redis under its REDIS_PREFIX (BullMQ keeps queue metadata forever). */
export async function deleteRedisKeys(prefix: string | undefined): Promise<void> {
  if (!REDIS_URL || !prefix) return;
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const keys: string[] = [];
    for await (const batch of redis.scanStream({ match: `${prefix}:*`, count: 500 })) keys.push(...(batch as string[]));
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

export interface ScratchDatabase {
  url: string;
  query<R extends Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
  drop(): Promise<void>;
}

/** Creates `santana_e2e_<random>` on the DATABASE_URL server; drop() removes it (kill the servers first). */
export async function createScratchDatabase(): Promise<ScratchDatabase> {
  if (!POSTGRES_URL) throw new Error('DATABASE_URL is not set');
  const name = `santana_e2e_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  // One client, ended (socket closed) before the drop: a pool's end() could resolve while its client was
  // still closing, and DROP ... WITH (FORCE) then terminated it with a FATAL nobody listened for (an
  // unhandled error that failed a CI run).
  let client: Promise<pg.Client> | undefined;
  const connected = () => {
    client ??= (async () => {
      const opened = new pg.Client({ connectionString: url.toString() });
      opened.on('error', () => {});
      await opened.connect();
      return opened;
    })();
    return client;
  };
  return {
    url: url.toString(),
    async query<R extends Record<string, unknown>>(text: string, params?: unknown[]) {
      return (await (await connected()).query<R>(text, params)).rows;
    },
    async drop() {
      if (client) await (await client).end();
      const cleaner = new pg.Client({ connectionString: POSTGRES_URL });
      await cleaner.connect();
      try {
        await cleaner.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await cleaner.end();
      }
    },
  };
}
