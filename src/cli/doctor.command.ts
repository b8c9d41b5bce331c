import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { type Config, ConfigError, loadConfig } from '../config/config.js';
import { type DatabaseHandle, openDatabase } from '../db/client.js';
import { DataDirLockedError } from '../db/data-dir-lock.js';
import { readMigrations } from '../db/migrate.js';
import { createJobsRepo } from '../jobs/jobs.repo.js';
import { createLogger } from '../shared/logger.js';
import { say } from './flags.js';

type Outcome = { ok: true; text: string } | { ok: false; text: string; fix: string };
const ok = (text: string): Outcome => ({ ok: true, text });
const fail = (text: string, fix: string): Outcome => ({ ok: false, text, fix });

function checkDataDir(config: Config): Outcome {
  try {
    mkdirSync(config.dataDir, { recursive: true });
    accessSync(config.dataDir, constants.W_OK);
    return ok(`DATA_DIR ${config.dataDir} is writable`);
  } catch (error) {
    return fail(
      `DATA_DIR ${config.dataDir} is not writable (${(error as Error).message})`,
      'Create the directory and give the user running Santana write access, or set DATA_DIR elsewhere.',
    );
  }
}

async function checkDatabase(config: Config): Promise<Outcome[]> {
  const logger = createLogger('silent');
  const target =
    config.database.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.database.dataDir}`;
  let database: DatabaseHandle;
  try {
    database = await openDatabase(
      config.database.kind === 'postgres' ? { ...config.database, startupTimeoutMs: 3000 } : config.database,
      logger,
    );
  } catch (error) {
    if (error instanceof DataDirLockedError) {
      return [
        ok(
          `${target}: in use by a running Santana process (normal while the service runs; stop it to inspect the database here)`,
        ),
      ];
    }
    return [
      fail(
        `${target}: cannot open (${(error as Error).message})`,
        config.database.kind === 'postgres'
          ? 'Check that PostgreSQL runs, and the host, port, user, password and database in DATABASE_URL.'
          : 'Check DATA_DIR permissions and free disk space.',
      ),
    ];
  }
  try {
    const results: Outcome[] = [ok(`${target}: reachable`)];
    const known = readMigrations().map((migration) => migration.version);
    const applied = await database
      .withSession((session) => session.query<{ version: string }>('SELECT version FROM schema_migrations'))
      .then((rows) => new Set(rows.map((row) => row.version)))
      .catch(() => new Set<string>());
    const pending = known.filter((version) => !applied.has(version));
    results.push(
      pending.length === 0
        ? ok('Database schema is up to date')
        : fail(
            `${pending.length} migration(s) pending: ${pending.join(', ')}`,
            'Run: npx santana db:migrate (the service also migrates when it starts).',
          ),
    );
    if (pending.length < known.length) {
      const counts = await createJobsRepo(database.db).countByState();
      const dead = counts.filter((row) => row.status === 'dead').reduce((sum, row) => sum + row.count, 0);
      const queued = counts.filter((row) => row.status === 'queued').reduce((sum, row) => sum + row.count, 0);
      results.push(
        dead === 0
          ? ok(`Jobs: none dead, ${queued} queued`)
          : fail(
              `Jobs: ${dead} dead`,
              'See them with: npx santana jobs:list --dead; retry one with: npx santana jobs:retry <id>.',
            ),
      );
    }
    return results;
  } finally {
    await database.close();
  }
}

async function checkRedis(config: Config): Promise<Outcome[]> {
  if (!config.redis)
    return [ok('Redis: not configured (jobs and realtime run in process; set REDIS_URL to scale out)')];
  const redis = new Redis(config.redis.url, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    const info = await redis.info('server');
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
    const policy = ((await redis.config('GET', 'maxmemory-policy')) as string[])[1] ?? 'unknown';
    const results: Outcome[] = [ok(`Redis ${version}: reachable`)];
    if (policy !== 'noeviction') {
      results.push(
        fail(
          `Redis maxmemory-policy is ${policy}`,
          'Set maxmemory-policy noeviction in redis.conf: BullMQ must not have its keys evicted (the job rows stay safe either way).',
        ),
      );
    }
    return results;
  } catch (error) {
    return [
      fail(
        `Redis: cannot connect (${(error as Error).message})`,
        'Check that Redis runs and that REDIS_URL is right (redis://host:6379).',
      ),
    ];
  } finally {
    redis.disconnect();
  }
}

function checkWebBuild(): Outcome {
  const index = fileURLToPath(new URL('../../web/dist/index.html', import.meta.url));
  return existsSync(index)
    ? ok('Web app is built')
    : fail('Web app is not built', 'Run: npm run build (npm ci does it too).');
}

/** `santana doctor`: checks configuration, storage, database, Redis and the build, and says how to fix each problem. */
export async function runDoctor(env: Record<string, string | undefined>): Promise<number> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    say('✗ Configuration is invalid:');
    for (const problem of error.problems) say(`    ${problem}`);
    say('  → Fix these environment variables (documented in .env.example) and run doctor again.');
    return 1;
  }
  const outcomes: Outcome[] = [
    ok(
      `Configuration is valid (database: ${config.database.kind}, jobs: ${config.redis ? 'BullMQ on Redis' : 'in process'})`,
    ),
    checkDataDir(config),
    ...(await checkDatabase(config)),
    ...(await checkRedis(config)),
    checkWebBuild(),
  ];
  if (config.env === 'production' && config.secretKeyBaseSource === 'data_dir') {
    outcomes.push(
      fail(
        'SECRET_KEY_BASE is not set; a generated one in DATA_DIR is used',
        'Set SECRET_KEY_BASE (openssl rand -hex 64) so every process and server shares the same key.',
      ),
    );
  }
  for (const outcome of outcomes) {
    say(`${outcome.ok ? '✓' : '✗'} ${outcome.text}`);
    if (!outcome.ok) say(`  → ${outcome.fix}`);
  }
  const failures = outcomes.filter((outcome) => !outcome.ok).length;
  say(failures === 0 ? '\nEverything looks right.' : `\n${failures} problem(s) found.`);
  return failures === 0 ? 0 : 1;
}
