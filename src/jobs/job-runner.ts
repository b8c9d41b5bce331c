import { z } from 'zod';
import type { Job } from '../db/schema.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { Metrics } from '../shared/metrics.js';
import {
  backoffDelay,
  JOB_DEFAULTS,
  type JobContext,
  type JobOutcome,
  PermanentJobError,
  RetryLaterError,
} from './job-definition.js';
import type { JobRegistry } from './job-registry.js';
import type { JobsRepo } from './jobs.repo.js';

export interface JobRunnerDeps {
  registry: Pick<JobRegistry, 'get'>;
  repo: JobsRepo;
  logger: Logger;
  metrics: Metrics;
  clock: Clock;
  /** Called when a retry was scheduled, so the scheduler can wake before its next tick. */
  onRescheduled: (runAt: Date) => void;
  /**
   * Marks a job done through a batcher (one UPDATE for many jobs). Not awaited: the worker slot is
   * free at once; if the process dies before the batch is written, the lease expires and the
   * (idempotent) job runs again.
   */
  complete: (id: number) => void;
}

const errorText = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/** Runs one leased job: validates its payload, calls its handler, then marks it done, retried or dead. */
export function createJobRunner(deps: JobRunnerDeps) {
  const active = new Map<number, AbortController>();
  let stopping = false;

  /** `run` replaces the handler for a job its enqueuer runs with data it already holds (see `runClaimed`). */
  async function execute(job: Job, run?: (context: JobContext) => Promise<JobOutcome>): Promise<void> {
    const definition = deps.registry.get(job.name);
    const queue = job.queue;
    if (!definition) {
      await deps.repo.markDead(job.id, `No handler registered for job "${job.name}"`);
      deps.metrics.jobsProcessed.inc({ queue, name: job.name, outcome: 'dead' });
      return;
    }
    const parsed = definition.schema.safeParse(job.payload);
    if (!parsed.success) {
      await deps.repo.markDead(job.id, `Invalid payload: ${z.prettifyError(parsed.error)}`);
      deps.metrics.jobsProcessed.inc({ queue, name: job.name, outcome: 'dead' });
      return;
    }

    const controller = new AbortController();
    const timeoutMs = definition.timeoutMs ?? JOB_DEFAULTS.timeoutMs;
    const timer = setTimeout(() => controller.abort(new Error(`Timed out after ${timeoutMs} ms`)), timeoutMs);
    active.set(job.id, controller);
    const stopTimer = deps.metrics.jobDuration.startTimer({ queue, name: job.name });
    const logger = deps.logger.child({ jobId: job.id, job: job.name, attempt: job.attempts });
    try {
      const context = {
        jobId: job.id,
        attempt: job.attempts,
        maxAttempts: job.max_attempts,
        signal: controller.signal,
        logger,
      };
      const outcome = await Promise.race([
        run ? run(context) : definition.handler(parsed.data, context),
        new Promise<never>((_, reject) =>
          controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true }),
        ),
      ]);
      deps.complete(job.id);
      deps.metrics.jobsProcessed.inc({ queue, name: job.name, outcome: outcome === 'skipped' ? 'skipped' : 'done' });
    } catch (error) {
      await handleFailure(job, error, logger, definition.backoff ?? JOB_DEFAULTS.backoff);
    } finally {
      clearTimeout(timer);
      stopTimer();
      active.delete(job.id);
    }
  }

  async function handleFailure(job: Job, error: unknown, logger: Logger, backoff: { baseMs: number; maxMs: number }) {
    const queue = job.queue;
    // Interrupted by shutdown: the job goes back to the queue untouched (released by stop()).
    if (stopping && active.get(job.id)?.signal.aborted) return;
    const message = errorText(error).slice(0, 2000);
    if (error instanceof PermanentJobError || job.attempts >= job.max_attempts) {
      logger.error({ err: error }, 'Job failed for good; it is now dead');
      await deps.repo.markDead(job.id, message);
      deps.metrics.jobsProcessed.inc({ queue, name: job.name, outcome: 'dead' });
      return;
    }
    const delay = error instanceof RetryLaterError ? error.delayMs : backoffDelay(job.attempts, backoff);
    const runAt = new Date(deps.clock.now().getTime() + delay);
    logger.warn({ err: error, retryInMs: delay }, 'Job failed; will retry');
    await deps.repo.reschedule(job.id, runAt, message);
    deps.metrics.jobsProcessed.inc({ queue, name: job.name, outcome: 'retry' });
    deps.onRescheduled(runAt);
  }

  return {
    execute,
    activeCount: () => active.size,
    activeIds: () => [...active.keys()],
    isStopping: () => stopping,
    /** Aborts what is still running after the grace period; returns the ids to give back to the queue. */
    abortActive(): number[] {
      stopping = true;
      for (const controller of active.values()) controller.abort(new Error('Shutting down'));
      return [...active.keys()];
    },
  };
}

export type JobRunner = ReturnType<typeof createJobRunner>;
