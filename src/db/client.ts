import { setImmediate as nextTurn } from 'node:timers/promises';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { DatabaseConfig } from '../config/config.js';
import { sleep } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { withTimeout } from '../shared/timeout.js';
import { lockDataDir } from './data-dir-lock.js';
import { isDatabaseUnavailable } from './errors.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;

/** Plain SQL on one connection, for migrations and advisory locks (multi-statement allowed in exec). */
export interface SqlSession {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
  exec(text: string): Promise<void>;
}

export interface DatabaseHandle {
  kind: 'pglite' | 'postgres';
  /** The PGlite instance (for dumps in tests); undefined on PostgreSQL. */
  pglite?: PGlite;
  db: Db;
  /** Runs fn on one dedicated connection (held for the whole call). */
  withSession<T>(fn: (session: SqlSession) => Promise<T>): Promise<T>;
  ping(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

// bigint ids and counts fit in JavaScript numbers for any realistic table; parse them as numbers.
const parseInt8 = (value: string) => Number(value);

export class DatabaseStartupError extends Error {}

async function openPostgres(
  config: Extract<DatabaseConfig, { kind: 'postgres' }>,
  logger: Logger,
): Promise<DatabaseHandle> {
  const pool = new pg.Pool({
    connectionString: config.url,
    max: config.poolSize,
    connectionTimeoutMillis: 3000,
    idleTimeoutMillis: 30_000,
    application_name: 'santana',
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === pg.types.builtins.INT8
          ? parseInt8
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on('error', (error) => logger.warn({ err: error }, 'PostgreSQL connection lost'));

  const deadline = Date.now() + config.startupTimeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      await pool.query('SELECT 1');
      break;
    } catch (error) {
      const retryable = isDatabaseUnavailable(error);
      if (!retryable || Date.now() >= deadline) {
        await pool.end().catch(() => {});
        const reason = error instanceof Error ? error.message : String(error);
        throw new DatabaseStartupError(
          retryable
            ? `Could not reach PostgreSQL at DATABASE_URL within ${Math.round(config.startupTimeoutMs / 1000)} s (${reason}). Is the server running and reachable?`
            : `PostgreSQL refused the connection: ${reason}. Check the user, password and database name in DATABASE_URL.`,
        );
      }
      const delay = Math.min(5000, 200 * 2 ** (attempt - 1));
      logger.warn({ attempt, retryInMs: delay }, 'PostgreSQL not reachable yet; retrying');
      await sleep(Math.min(delay, Math.max(0, deadline - Date.now())));
    }
  }

  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    kind: 'postgres',
    db,
    async withSession(fn) {
      const client = await pool.connect();
      try {
        return await fn({
          query: async (text, params) => (await client.query(text, params)).rows,
          exec: async (text) => {
            await client.query(text);
          },
        });
      } finally {
        client.release();
      }
    },
    async ping(timeoutMs = 2000) {
      await withTimeout(pool.query('SELECT 1'), timeoutMs, 'Query read timeout');
    },
    async close() {
      await db.destroy();
    },
  };
}

/**
 * PGlite runs each statement on this thread (WebAssembly), and Node accepts one new connection per turn of
 * the event loop. A transaction's statements ran back to back in one turn: under a burst, 64 connections
 * opened at once were accepted one per batch, the last ~2 s later. Each statement now starts in a turn of
 * its own, so connections, requests and timers get in between.
 */
function oneStatementPerTurn(client: PGlite): PGlite {
  const query: PGlite['query'] = async (...args) => {
    await nextTurn();
    return client.query(...args);
  };
  return new Proxy(client, {
    get(target, key) {
      if (key === 'query') return query;
      const value = Reflect.get(target, key, target);
      // PGlite's methods read its private fields: they must run on the instance, not on the proxy.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Opens PGlite: a directory path, or `memory://` (optionally loaded from a dump, as tests do). */
export async function openPglite(dataDir: string, options: { loadDataDir?: Blob } = {}): Promise<DatabaseHandle> {
  const inMemory = dataDir.startsWith('memory://');
  const unlock = inMemory ? () => {} : lockDataDir(dataDir);
  let client: PGlite;
  try {
    const settings = {
      parsers: { [pgliteTypes.INT8]: parseInt8 },
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    };
    // PGlite ignores the options when the data directory argument is given as undefined.
    client = await (inMemory ? PGlite.create(settings) : PGlite.create(dataDir, settings));
  } catch (error) {
    unlock();
    throw error;
  }
  const db = new Kysely<Database>({ dialect: new PGliteDialect(oneStatementPerTurn(client)) });
  return {
    kind: 'pglite',
    pglite: client,
    db,
    // PGlite has one connection: sessions run after queued Kysely work, through the same serialising driver.
    withSession(fn) {
      return db.connection().execute(() =>
        fn({
          query: async (text, params) => (await client.query<Record<string, unknown>>(text, params)).rows as never[],
          exec: async (text) => {
            await client.exec(text);
          },
        }),
      );
    },
    async ping() {
      await client.query('SELECT 1');
    },
    async close() {
      await db.destroy();
      unlock();
    },
  };
}

export async function openDatabase(config: DatabaseConfig, logger: Logger): Promise<DatabaseHandle> {
  return config.kind === 'postgres' ? openPostgres(config, logger) : openPglite(config.dataDir);
}
