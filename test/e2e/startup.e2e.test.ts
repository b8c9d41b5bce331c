import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readMigrations } from '../../src/db/migrate.js';
import {
  createProcessTracker,
  createScratchDatabase,
  exitWithin,
  POSTGRES_URL,
  postgresEnv,
  postSignIn,
  type ScratchDatabase,
  sessionCookieOf,
  withCookie,
  withToken,
} from '../helpers/e2e.js';
import { freePort, type RunningServer } from '../helpers/server-process.js';

const processes = createProcessTracker();

describe('first start on an empty embedded DATA_DIR without ADMIN_PASSWORD', () => {
  let first: RunningServer;
  let restarted: RunningServer;
  let printed: { url?: string; email?: string; password?: string; times: number };
  let signInStatus: number;
  let session: { cookie: string; token: string };

  beforeAll(async () => {
    first = await processes.start();
    const out = first.stdout();
    printed = {
      url: /Sign in at (\S+)/.exec(out)?.[1],
      email: /E-mail:\s+(\S+)/.exec(out)?.[1],
      password: /Senha:\s+(\S+)/.exec(out)?.[1],
      times: out.match(/Senha:/g)?.length ?? 0,
    };
    const response = await postSignIn(first.url, { email: printed.email ?? '', password: printed.password ?? '' });
    signInStatus = response.status;
    const { data } = (await response.json()) as { data?: { access_token: string } };
    session = { cookie: response.status === 200 ? sessionCookieOf(response) : '', token: data?.access_token ?? '' };

    expect((await first.stop()).code).toBe(0);
    restarted = await processes.start({ dataDir: first.dataDir });
  });
  afterAll(() => processes.killAll());

  it('prints the sign-in URL, the e-mail and a generated password once on stdout', () => {
    expect(printed.url).toBe(first.url);
    expect(printed.email).toBe('admin@santana.local');
    expect(printed.password).toMatch(/^\S{12,}$/);
    expect(printed.times).toBe(1);
    expect(first.stderr()).not.toContain(printed.password);
  });

  it('accepts the printed credentials at POST /auth/sign_in', () => {
    expect(signInStatus).toBe(200);
  });

  it('does not print the password again after a restart', () => {
    expect(restarted.stdout() + restarted.stderr()).not.toContain(printed.password);
    expect(restarted.stdout()).not.toMatch(/Senha:/);
  });

  it('keeps a session cookie from before the restart valid', async () => {
    const response = await fetch(`${restarted.url}/api/v1/profile`, { headers: withCookie(session.cookie) });
    expect(response.status).toBe(200);
  });

  it("keeps the session's API token valid after the restart (SECRET_KEY_BASE is kept in DATA_DIR)", async () => {
    const response = await fetch(`${restarted.url}/api/v1/profile`, { headers: withToken(session.token) });
    expect(response.status).toBe(200);
  });
});

describe('a second santana serve on a DATA_DIR in use', () => {
  afterEach(() => processes.killAll());

  it('exits 1 within 10 s saying the directory is in use', async () => {
    const running = await processes.start();
    const second = processes.run(['serve'], {
      DATA_DIR: running.dataDir,
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
    });
    expect(await exitWithin(second, 10_000)).toMatchObject({ timedOut: false, code: 1 });
    expect(second.stderr()).toMatch(/already in use by another Santana process/);
  });
});

describe('santana serve with PostgreSQL unreachable', () => {
  afterEach(() => processes.killAll());

  it('exits 1 within 10 s naming PostgreSQL and DATABASE_URL', async () => {
    const server = processes.run(['serve'], {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/x',
      DATABASE_STARTUP_TIMEOUT: '2',
      SECRET_KEY_BASE: 'e2e-secret-key-base-0123456789abcdef0123456789abcdef',
      PORT: String(await freePort()),
    });
    expect(await exitWithin(server, 10_000)).toMatchObject({ timedOut: false, code: 1 });
    expect(server.stderr()).toMatch(/Santana cannot start: .*PostgreSQL.*DATABASE_URL/);
  });
});

describe.runIf(POSTGRES_URL)('start-up on a fresh PostgreSQL database', () => {
  let database: ScratchDatabase;

  beforeAll(async () => {
    database = await createScratchDatabase();
  });
  afterEach(() => processes.killAll());
  afterAll(() => database?.drop());

  it('says the database is up to date on a second db:migrate', async () => {
    const env = postgresEnv(database.url);
    const firstRun = processes.run(['db:migrate'], env);
    expect((await firstRun.exited).code, firstRun.stderr()).toBe(0);
    expect(firstRun.stdout()).toMatch(/Applied \d+ migration\(s\)/);

    const secondRun = processes.run(['db:migrate'], env);
    expect((await secondRun.exited).code, secondRun.stderr()).toBe(0);
    expect(secondRun.stdout()).toContain('Database is up to date.');
  });
});

describe.runIf(POSTGRES_URL)('two santana serve started at once on one fresh PostgreSQL database', () => {
  let database: ScratchDatabase;

  beforeAll(async () => {
    database = await createScratchDatabase();
    const env = postgresEnv(database.url);
    await Promise.all([processes.start({ env }), processes.start({ env })]);
  });
  afterAll(async () => {
    await processes.killAll();
    await database?.drop();
  });

  it('records every migration exactly once', async () => {
    const rows = await database.query<{ version: string }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((row) => row.version)).toEqual(readMigrations().map((migration) => migration.version));
  });

  it('creates exactly one account and one administrator', async () => {
    const [counts] = await database.query<{ accounts: number; users: number; admins: number }>(
      `SELECT (SELECT count(*)::int FROM accounts) AS accounts,
              (SELECT count(*)::int FROM users) AS users,
              (SELECT count(*)::int FROM account_users WHERE role = 'administrator') AS admins`,
    );
    expect(counts).toEqual({ accounts: 1, users: 1, admins: 1 });
  });
});
