import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions } from 'pino';

type LevelName = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
type LogMethod = (...args: unknown[]) => void;

/**
 * Fastify's per-request child logger, created the first time something is logged through it. For routes
 * that only log what goes wrong and are called thousands of times a second (Meta's webhooks): a pino child
 * passes its bindings through redaction when it is made, a measurable share of each such request.
 */
export function lazyChildLoggerFactory(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  let child: FastifyBaseLogger | undefined;
  const real = () => {
    child ??= logger.child(bindings, options);
    return child;
  };
  const values = (logger as unknown as { levels: { values: Record<string, number> } }).levels.values;
  const level = () => child?.level ?? options.level ?? logger.level;
  const at =
    (name: LevelName): LogMethod =>
    (...args) => {
      if ((values[name] ?? 0) < (values[level()] ?? 0)) return;
      (real()[name] as unknown as LogMethod)(...args);
    };
  return {
    get level() {
      return level();
    },
    set level(value: string) {
      real().level = value;
    },
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    fatal: at('fatal'),
    silent: () => undefined,
    child: (more: Bindings, moreOptions?: ChildLoggerOptions) => real().child(more, moreOptions),
  } as FastifyBaseLogger;
}
