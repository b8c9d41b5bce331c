import { createApp, type ProcessRole, ROLES } from '../app.js';
import type { Config } from '../config/config.js';
import { createLogger } from '../shared/logger.js';
import { CliUsageError, parseFlags } from './flags.js';

export async function runServe(args: string[], config: Config): Promise<number> {
  const { values } = parseFlags(args, { role: { type: 'string', default: 'all' } });
  const role = values.role as ProcessRole;
  if (!ROLES.includes(role)) throw new CliUsageError(`--role must be one of ${ROLES.join(', ')}.`);

  const startedAt = performance.now();
  const logger = createLogger(config.logLevel);
  const app = await createApp(config, { role, logger });

  let exit!: (code: number) => void;
  const exited = new Promise<number>((resolve) => {
    exit = resolve;
  });
  let starting: Promise<string> | undefined;
  const shutdown = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'Shutting down gracefully');
    // A stuck dependency must not keep the process alive past the grace period.
    const force = setTimeout(() => {
      logger.error('Graceful shutdown took too long; exiting');
      exit(1);
    }, config.shutdownTimeoutMs + 5000);
    force.unref();
    // A signal while starting (the listener is up before the start-up jobs are queued) waits for the start.
    Promise.resolve(starting)
      .catch(() => undefined)
      .then(() => app.stop())
      .then(() => exit(0))
      .catch((error) => {
        logger.error({ err: error }, 'Error during shutdown');
        exit(1);
      })
      .finally(() => clearTimeout(force));
  };
  // Before start(): the HTTP listener answers before start() returns, so a SIGTERM can come that early.
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);

  starting = app.start();
  const address = await starting;
  logger.info(
    {
      role,
      address,
      database: app.database.kind,
      jobs: app.jobs.driverKind,
      startupMs: Math.round(performance.now() - startedAt),
    },
    `Santana is listening on ${config.http.frontendUrl} (${role})`,
  );
  return exited;
}
