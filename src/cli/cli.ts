import { ConfigError, loadConfig } from '../config/config.js';
import { DatabaseStartupError } from '../db/client.js';
import { DataDirLockedError } from '../db/data-dir-lock.js';
import { JobRegistryError } from '../jobs/job-registry.js';
import { runDoctor } from './doctor.command.js';
import { CliUsageError } from './flags.js';
import { runJobsList, runJobsRetry } from './jobs.commands.js';
import { runServe } from './serve.command.js';
import { runDbMigrate, runTokenCreate, runUserCreate, runUserResetPassword } from './users.commands.js';

const HELP = `Usage: santana <command> [options]

Commands:
  serve [--role=all|api|worker|scheduler]   run the service (default role: all)
  db:migrate                                 apply pending database migrations
  user:create --email E --name N [--password P] [--role administrator|agent] [--account ID]
  user:reset-password --email E [--password P]
  token:create --email E [--name N]          create a personal API token (shown once)
  jobs:list [--dead | --status S] [--limit N]
  jobs:retry <job id>                        send a dead job back to the queue
  doctor                                     check configuration, database, Redis and workers

Configuration comes from environment variables (see .env.example).`;

type Command = (args: string[], config: ReturnType<typeof loadConfig>) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  serve: runServe,
  'db:migrate': runDbMigrate,
  'user:create': runUserCreate,
  'user:reset-password': runUserResetPassword,
  'token:create': runTokenCreate,
  'jobs:list': runJobsList,
  'jobs:retry': runJobsRetry,
};

export async function runCli(argv: string[]): Promise<number> {
  const [name = 'serve', ...rest] = argv;
  if (name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (name === 'doctor') return runDoctor(process.env);
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`Unknown command "${name}".\n\n${HELP}\n`);
    return 2;
  }
  try {
    const config = loadConfig();
    return await command(rest, config);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(
        `Santana cannot start: invalid configuration.\n${error.problems.map((p) => `  ${p}`).join('\n')}\n`,
      );
      return 1;
    }
    if (
      error instanceof DatabaseStartupError ||
      error instanceof DataDirLockedError ||
      error instanceof JobRegistryError
    ) {
      process.stderr.write(`Santana cannot start: ${error.message}\n`);
      return 1;
    }
    if (error instanceof CliUsageError) {
      process.stderr.write(`${error.message}\n\n${HELP}\n`);
      return 2;
    }
    throw error;
  }
}
