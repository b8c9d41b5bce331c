import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { migrate, readMigrations } from '../../src/db/migrate.js';
import { anyOf, arrayOf, mentionsAnyOf, unnestRows } from '../../src/db/sql-arrays.js';
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

describe('a transaction of many statements', () => {
  it('lets the event loop turn between its statements (new connections and requests get in)', async () => {
    const database = await openTestDatabase();
    try {
      let turns = 0;
      let counting = true;
      const count = () => {
        turns++;
        if (counting) setImmediate(count);
      };
      setImmediate(count);
      await database.handle.db.transaction().execute(async (trx) => {
        for (let i = 0; i < 20; i++) await sql`SELECT ${i}::int`.execute(trx);
      });
      counting = false;
      // PGlite runs statements on this thread: back to back they kept Node from accepting connections.
      expect(turns).toBeGreaterThanOrEqual(20);
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

describe('array parameters (db/sql-arrays)', () => {
  it('find stored JSON text that names one of the values as a whole JSON string', async () => {
    const database = await openTestDatabase();
    try {
      const rows = await sql<{ v: string }>`
        SELECT v FROM (VALUES
          ('{"from":"5511987654321"}'),
          ('{"from":"55119876543210"}'),
          ('{"phone_number":"+5511987654321"}'),
          ('{"user_id":"BR.a_1%"}'),
          ('{"user_id":"BR.aX1Y"}'),
          ('{"from":"5521999990000"}')
        ) AS t(v)
        WHERE ${mentionsAnyOf('v', ['5511987654321', 'BR.a_1%'])}
        ORDER BY v`.execute(database.handle.db);
      // Whole values only (not a longer number, not the "+" form), and _ and % mean themselves.
      expect(rows.rows.map((row) => row.v)).toEqual(['{"from":"5511987654321"}', '{"user_id":"BR.a_1%"}']);
    } finally {
      await database.close();
    }
  });

  it('carry quotes, backslashes, braces, commas, NULLs, JSON and times through unnest and any()', async () => {
    const database = await openTestDatabase();
    try {
      const db = database.handle.db;
      const texts = ['he said "oi", {não} \\ fim', null, 'NULL', '', '😀 ação'];
      const json = [JSON.stringify({ q: 'a"b\\c', list: [1, null] }), JSON.stringify(null), '{}', '[]', '"x"'];
      const times = [new Date('2026-11-30T12:00:00.123Z'), new Date(0), null, new Date('2026-01-01T03:00:00Z'), null];
      const numbers = [1, null, 9_007_199_254_740_991, -5, 0];
      const { columns, select } = unnestRows(
        {
          t: ['text', (i: number) => texts[i]],
          j: ['jsonb', (i: number) => json[i]],
          at: ['timestamptz', (i: number) => times[i]],
          n: ['bigint', (i: number) => numbers[i]],
          b: ['boolean', (i: number) => i % 2 === 0],
        },
        [0, 1, 2, 3, 4],
      );
      expect(columns).toEqual(['t', 'j', 'at', 'n', 'b']);
      const rows = await sql<{ t: string | null; j: unknown; at: Date | null; n: string | number | null; b: boolean }>`
        SELECT * FROM (${select}) AS r (t, j, at, n, b)`.execute(db);
      expect(rows.rows.map((row) => row.t)).toEqual(texts);
      expect(rows.rows.map((row) => row.j)).toEqual([{ q: 'a"b\\c', list: [1, null] }, null, {}, [], 'x']);
      expect(rows.rows.map((row) => (row.at ? new Date(row.at).toISOString() : null))).toEqual(
        times.map((time) => time?.toISOString() ?? null),
      );
      expect(rows.rows.map((row) => (row.n === null ? null : Number(row.n)))).toEqual(numbers);
      expect(rows.rows.map((row) => row.b)).toEqual([true, false, true, false, true]);

      const found = await sql<{ v: string }>`
        SELECT v FROM unnest(${arrayOf(['a', 'b,c', '{d}', 'e'], 'text')}) AS v
        WHERE v = ${anyOf(['b,c', '{d}', 'zz'], 'text')} ORDER BY v`.execute(db);
      expect(found.rows.map((row) => row.v)).toEqual(['b,c', '{d}']);
      const none = await sql<{ v: number }>`SELECT 1 AS v WHERE 1 = ${anyOf([] as number[], 'bigint')}`.execute(db);
      expect(none.rows).toEqual([]);
    } finally {
      await database.close();
    }
  });
});
