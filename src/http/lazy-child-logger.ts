import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions } from 'pino';

type LevelName = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
type LogMethod = (...args: unknown[]) => void;

/**
 * A logger that makes its pino child the first time something at or above its level is logged. One object
 * per request with its methods on the prototype (closures per request were themselves a share of the
 * allocations of a webhook burst).
 */
class LazyChildLogger {
  private made: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  private real(): FastifyBaseLogger {
    this.made ??= this.parent.child(this.bindings, this.options);
    return this.made;
  }

  get level(): string {
    return this.made?.level ?? this.options.level ?? this.parent.level;
  }

  set level(value: string) {
    this.real().level = value;
  }

  private at(name: LevelName, args: unknown[]): void {
    const values = (this.parent as unknown as { levels: { values: Record<string, number> } }).levels.values;
    if ((values[name] ?? 0) < (values[this.level] ?? 0)) return;
    (this.real()[name] as unknown as LogMethod)(...args);
  }

  trace(...args: unknown[]) {
    this.at('trace', args);
  }
  debug(...args: unknown[]) {
    this.at('debug', args);
  }
  info(...args: unknown[]) {
    this.at('info', args);
  }
  warn(...args: unknown[]) {
    this.at('warn', args);
  }
  error(...args: unknown[]) {
    this.at('error', args);
  }
  fatal(...args: unknown[]) {
    this.at('fatal', args);
  }
  silent() {}

  child(more: Bindings, moreOptions?: ChildLoggerOptions): FastifyBaseLogger {
    return this.real().child(more, moreOptions);
  }
}

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
  return new LazyChildLogger(logger, bindings, options) as unknown as FastifyBaseLogger;
}
