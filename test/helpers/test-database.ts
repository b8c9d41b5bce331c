import { readFileSync } from 'node:fs';
import pg from 'pg';
import { inject } from 'vitest';
import { type DatabaseHandle, openDatabase, openPglite } from '../../src/db/client.js';
import { createLogger } from '../../src/shared/logger.js';

export type TestDatabaseKind = 'pglite' | 'postgres';

/** Which database this test project runs on (vitest.config.ts sets TEST_DATABASE per project). */
export const testDatabaseKind: TestDatabaseKind = process.env.TEST_DATABASE === 'postgres' ? 'postgres' : 'pglite';
export const onPostgres = testDatabaseKind === 'postgres';
/** Redis runs beside PostgreSQL in the postgres project when REDIS_URL is set. */
export const testRedisUrl = onPostgres ? process.env.REDIS_URL : undefined;

export interface TestDatabase {
  handle: DatabaseHandle;
  /** Connection string of the per-test database (PostgreSQL only). */
  url?: string;
  close(): Promise<void>;
}

export function databaseUrlFor(name: string, base = process.env.DATABASE_URL ?? ''): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * A fresh, migrated database for one test file: PGlite loaded from the migrated snapshot made in
 * global setup, or a PostgreSQL database cloned from the migrated template.
 */
export async function openTestDatabase(): Promise<TestDatabase> {
  if (!onPostgres) {
    const snapshot = readFileSync(inject('pgliteSnapshot'));
    const handle = await openPglite('memory://', { loadDataDir: new Blob([snapshot]) });
    return { handle, close: () => handle.close() };
  }
  const name = `santana_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  await adminQuery(`CREATE DATABASE ${name} TEMPLATE ${inject('postgresTemplate')}`);
  const url = databaseUrlFor(name);
  const handle = await openDatabase(
    { kind: 'postgres', url, poolSize: 8, startupTimeoutMs: 5000 },
    createLogger('silent'),
  );
  return {
    handle,
    url,
    async close() {
      await handle.close();
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
