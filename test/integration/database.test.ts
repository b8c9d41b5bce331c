import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { migrate, readMigrations } from '../../src/db/migrate.js';
import { createLogger } from '../../src/shared/logger.js';
import { databaseUrlFor, onPostgres, openTestDatabase } from '../helpers/test-database.js';

const logger = createLogger('silent');

describe('migrations', () => {
  it('are a no-op when run a second time', async () => {
    const database = await openTestDatabase();
    try {
      const ran = await migrate(database.handle, logger);
      expect(ran).toEqual([]);
      const rows = await database.handle.withSession((session) =>
        session.query<{ version: string }>('SELECT version FROM schema_migrations ORDER BY version'),
      );
      expect(rows.map((row) => row.version)).toEqual(readMigrations().map((migration) => migration.version));
    } finally {
      await database.close();
    }
  });
});

describe.runIf(onPostgres)('two processes starting at once against one PostgreSQL', () => {
  const name = `santana_race_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = () => new pg.Client({ connectionString: process.env.DATABASE_URL });

  afterAll(async () => {
    const client = admin();
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.end();
  });

  it('migrate once: the advisory lock makes the second wait, then find nothing to do', async () => {
    const client = admin();
    await client.connect();
    await client.query(`CREATE DATABASE ${name}`);
    await client.end();
    const config = { kind: 'postgres' as const, url: databaseUrlFor(name), poolSize: 3, startupTimeoutMs: 5000 };
    const [a, b] = await Promise.all([openDatabase(config, logger), openDatabase(config, logger)]);
    let seeded = 0;
    const seed = async () => {
      seeded++;
    };
    const [ranA, ranB] = await Promise.all([migrate(a, logger, seed), migrate(b, logger, seed)]);
    expect([...ranA, ...ranB]).toHaveLength(readMigrations().length);
    expect(ranA.length === 0 || ranB.length === 0).toBe(true);
    expect(seeded).toBe(2);
    const rows = await a.withSession((session) =>
      session.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations'),
    );
    expect(rows[0]?.n).toBe(readMigrations().length);
    await Promise.all([a.close(), b.close()]);
  });
});
