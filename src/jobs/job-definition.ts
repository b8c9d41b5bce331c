import type { z } from 'zod';
import type { Logger } from '../shared/logger.js';

export interface JobContext {
  jobId: number;
  attempt: number;
  maxAttempts: number;
  /** Aborted when the job times out or the process is shutting down. */
  signal: AbortSignal;
  logger: Logger;
}

/** `skipped` marks an expected no-op (the row it points at is gone, already sent…), counted apart. */
export type JobOutcome = 'done' | 'skipped';

export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  schema: S;
  /** Queue (BullMQ queue / worker pool) the job runs on. */
  queue?: string;
  maxAttempts?: number;
  /** The handler is aborted and the attempt counted as failed after this long. */
  timeoutMs?: number;
  backoff?: { baseMs: number; maxMs: number };
  /**
   * How many jobs of this queue one process runs at once on BullMQ (the largest of the queue's jobs;
   * default: the worker's concurrency). For handlers that mostly wait, e.g. to join a batch.
   */
  concurrency?: number;
  handler: (payload: z.infer<S>, context: JobContext) => Promise<JobOutcome>;
}

export function defineJob<S extends z.ZodType>(definition: JobDefinition<S>): JobDefinition<S> {
  return definition;
}

/** Thrown by a handler when retrying cannot help (invalid data, permanent provider error). */
export class PermanentJobError extends Error {
  override name = 'PermanentJobError';
}

/** Thrown by a handler to be retried at a specific time (e.g. a provider's Retry-After). */
export class RetryLaterError extends Error {
  override name = 'RetryLaterError';
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
  }
}

export const JOB_DEFAULTS = {
  queue: 'default',
  maxAttempts: 10,
  timeoutMs: 60_000,
  backoff: { baseMs: 1000, maxMs: 60 * 60 * 1000 },
} as const;

/** Exponential backoff with "equal jitter": half fixed, half random, so retries spread out. */
export function backoffDelay(
  attempt: number,
  backoff: { baseMs: number; maxMs: number },
  random = Math.random,
): number {
  const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
