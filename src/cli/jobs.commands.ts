import type { Config } from '../config/config.js';
import { openDatabase } from '../db/client.js';
import type { JobStatus } from '../db/schema.js';
import { createJobAdmin } from '../jobs/job-system.js';
import { createLogger } from '../shared/logger.js';
import { createRedisConnections } from '../shared/redis.js';
import { CliUsageError, parseFlags, say } from './flags.js';

const STATUSES: JobStatus[] = ['scheduled', 'queued', 'running', 'done', 'dead'];

async function withJobAdmin<T>(
  config: Config,
  fn: (admin: ReturnType<typeof createJobAdmin>) => Promise<T>,
): Promise<T> {
  const logger = createLogger('warn');
  const database = await openDatabase(config.database, logger);
  const redis = config.redis ? createRedisConnections(config.redis.url, logger) : null;
  const admin = createJobAdmin({
    db: database.db,
    logger,
    redis: redis ? { producer: redis.client, workerConnection: redis.workerConnection } : null,
    redisPrefix: config.redis?.prefix,
  });
  try {
    return await fn(admin);
  } finally {
    await admin.close();
    await redis?.close();
    await database.close();
  }
}

export async function runJobsList(args: string[], config: Config): Promise<number> {
  const { values } = parseFlags(args, {
    dead: { type: 'boolean', default: false },
    status: { type: 'string' },
    limit: { type: 'string', default: '50' },
  });
  const status = values.dead ? 'dead' : (values.status as JobStatus | undefined);
  if (status && !STATUSES.includes(status)) throw new CliUsageError(`--status must be one of ${STATUSES.join(', ')}.`);
  const limit = Number.parseInt(String(values.limit), 10);
  if (!Number.isInteger(limit) || limit < 1) throw new CliUsageError('--limit must be a positive integer.');
  return withJobAdmin(config, async (admin) => {
    const jobs = await admin.list({ status, limit });
    if (jobs.length === 0) {
      say(status ? `No ${status} jobs.` : 'No jobs.');
      return 0;
    }
    say(['id', 'status', 'name', 'attempts', 'account', 'updated_at', 'last_error'].join('\t'));
    for (const job of jobs) {
      say(
        [
          job.id,
          job.status,
          job.name,
          `${job.attempts}/${job.max_attempts}`,
          job.account_id ?? '-',
          job.updated_at.toISOString(),
          (job.last_error ?? '').replace(/\s+/g, ' ').slice(0, 160),
        ].join('\t'),
      );
    }
    return 0;
  });
}

export async function runJobsRetry(args: string[], config: Config): Promise<number> {
  const { positionals } = parseFlags(args, {});
  const id = Number.parseInt(positionals[0] ?? '', 10);
  if (!Number.isInteger(id) || id < 1) throw new CliUsageError('Usage: santana jobs:retry <job id>');
  return withJobAdmin(config, async (admin) => {
    if (!(await admin.retryDead(id))) {
      process.stderr.write(`Job ${id} is not dead (or does not exist); nothing to retry.\n`);
      return 1;
    }
    say(`Job ${id} is queued again.`);
    return 0;
  });
}
