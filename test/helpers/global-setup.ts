import { createHash } from 'node:crypto';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase, openPglite } from '../../src/db/client.js';
import { migrate, readMigrations } from '../../src/db/migrate.js';
import { createLogger } from '../../src/shared/logger.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteSnapshot: string;
    postgresTemplate: string;
  }
}

// Snapshots are keyed by the migrations' content, so a changed migration never reuses a stale one.
const schemaHash = createHash('sha256')
  .update(
    readMigrations()
      .map((migration) => migration.sql)
      .join('\n'),
  )
  .digest('hex')
  .slice(0, 12);

async function preparePgliteSnapshot(): Promise<string> {
  const file = path.join(tmpdir(), `santana-test-schema-${schemaHash}.tar`);
  if (existsSync(file)) return file;
  const handle = await openPglite('memory://');
  await migrate(handle, createLogger('silent'));
  const dump = await handle.pglite?.dumpDataDir('none');
  if (!dump) throw new Error('PGlite did not produce a dump');
  writeFileSync(`${file}.tmp`, Buffer.from(await dump.arrayBuffer()));
  renameSync(`${file}.tmp`, file);
  await handle.close();
  return file;
}

async function preparePostgresTemplate(): Promise<string> {
  const name = `santana_tpl_${schemaHash}`;
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) {
      await admin.query(`DROP DATABASE IF EXISTS ${name}_building WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${name}_building`);
      const url = new URL(process.env.DATABASE_URL ?? '');
      url.pathname = `/${name}_building`;
      const handle = await openDatabase(
        { kind: 'postgres', url: url.toString(), poolSize: 2, startupTimeoutMs: 5000 },
        createLogger('silent'),
      );
      await migrate(handle, createLogger('silent'));
      await handle.close();
      // The pool's backends may still be exiting; make sure none is left before renaming.
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [
        `${name}_building`,
      ]);
      // Renamed only when complete, so an interrupted run never leaves a half-migrated template.
      await admin.query(`ALTER DATABASE ${name}_building RENAME TO ${name}`);
    }
  } finally {
    await admin.end();
  }
  return name;
}

export default async function setup(project: TestProject) {
  if (project.config.env?.TEST_DATABASE === 'postgres') {
    project.provide('postgresTemplate', await preparePostgresTemplate());
    project.provide('pgliteSnapshot', '');
  } else {
    project.provide('pgliteSnapshot', await preparePgliteSnapshot());
    project.provide('postgresTemplate', '');
  }
}
