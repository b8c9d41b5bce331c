import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../shared/logger.js';
import type { DatabaseHandle, SqlSession } from './client.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
// One fixed advisory-lock key: concurrent starters wait here instead of migrating twice.
const MIGRATION_LOCK_KEY = 727_274_001;

export interface Migration {
  version: string;
  name: string;
  sql: string;
}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      version: file.slice(0, 4),
      name: file.slice(5, -4),
      sql: readFileSync(`${dir}/${file}`, 'utf8'),
    }));
}

/** Runs fn while holding the cluster-wide migration lock. */
export async function withMigrationLock<T>(session: SqlSession, fn: () => Promise<T>): Promise<T> {
  await session.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
  try {
    return await fn();
  } finally {
    await session.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
  }
}

async function applyPending(session: SqlSession, migrations: Migration[], logger: Logger): Promise<string[]> {
  await session.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version text PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const rows = await session.query<{ version: string }>('SELECT version FROM schema_migrations');
  const applied = new Set(rows.map((row) => row.version));
  const ran: string[] = [];
  for (const migration of migrations) {
    if (applied.has(migration.version)) continue;
    const started = Date.now();
    await session.exec('BEGIN');
    try {
      await session.exec(migration.sql);
      await session.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      await session.exec('COMMIT');
    } catch (error) {
      await session.exec('ROLLBACK');
      throw new Error(`Migration ${migration.version}_${migration.name} failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
    logger.info({ migration: `${migration.version}_${migration.name}`, ms: Date.now() - started }, 'Migration applied');
    ran.push(`${migration.version}_${migration.name}`);
  }
  return ran;
}

/**
 * Applies every pending migration in order, each in its own transaction, under an advisory lock.
 * `afterMigrations` runs under the same lock (first-start seeding), so two starting processes never race.
 */
export async function migrate(
  database: DatabaseHandle,
  logger: Logger,
  afterMigrations?: () => Promise<void>,
  migrations = readMigrations(),
): Promise<string[]> {
  if (database.kind === 'pglite') {
    // The data-dir lock already keeps PGlite to one process; seeding needs the single connection back.
    const ran = await database.withSession((session) => applyPending(session, migrations, logger));
    await afterMigrations?.();
    return ran;
  }
  return database.withSession((session) =>
    withMigrationLock(session, async () => {
      const ran = await applyPending(session, migrations, logger);
      await afterMigrations?.();
      return ran;
    }),
  );
}
