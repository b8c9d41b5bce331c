import type { Logger } from '../shared/logger.js';
import type { JobDriver } from './drivers/job-driver.js';
import type { JobsRepo } from './jobs.repo.js';

export interface SchedulerOptions {
  tickMs?: number;
  sweepMs?: number;
  /** A queued row nobody took for this long is pushed again (remote drivers only). */
  staleQueuedMs?: number;
  cleanupEveryMs?: number;
}

/**
 * The due-time scheduler: every tick (≤ 1 s) it moves due `scheduled` rows to `queued` and pushes them.
 * Its sweep recovers jobs whose process died (expired lease) and pushes that were lost.
 */
export function createJobScheduler(
  deps: {
    repo: JobsRepo;
    driver: JobDriver;
    logger: Logger;
    /** The jobs this process holds: never recovered by its own sweep, however late their renewal. */
    held?: () => { owner: string; ids: number[] };
  },
  options: SchedulerOptions = {},
) {
  const tickMs = options.tickMs ?? 500;
  const sweepMs = options.sweepMs ?? 5000;
  const staleQueuedMs = options.staleQueuedMs ?? 30_000;
  const cleanupEveryMs = options.cleanupEveryMs ?? 60 * 60 * 1000;
  let running = false;
  let tickTimer: NodeJS.Timeout | undefined;
  let sweepTimer: NodeJS.Timeout | undefined;
  let nextTickAt = 0;
  let lastCleanup = Date.now();
  let inFlight: Promise<void> = Promise.resolve();
  let failing = false;

  const report = (error: unknown, what: string) => {
    if (!failing) deps.logger.warn({ err: error }, `Scheduler could not ${what}; will keep trying`);
    failing = true;
  };

  async function tick() {
    try {
      for (;;) {
        const due = await deps.repo.promoteDue(500);
        if (due.length > 0) await deps.driver.push(due);
        if (due.length < 500) break;
      }
      failing = false;
    } catch (error) {
      report(error, 'promote due jobs');
    }
  }

  async function sweep() {
    try {
      const recovered = await deps.repo.recoverExpiredLeases(500, deps.held?.());
      if (recovered.length > 0) {
        deps.logger.warn({ count: recovered.length }, 'Recovered jobs whose worker stopped before finishing');
        await deps.driver.push(recovered);
      }
      if (deps.driver.repushStale) {
        const stale = await deps.repo.touchStaleQueued(staleQueuedMs, 1000);
        if (stale.length > 0) await deps.driver.push(stale);
      }
      if (Date.now() - lastCleanup > cleanupEveryMs) {
        lastCleanup = Date.now();
        const removed = await deps.repo.deleteFinished(24, 30);
        if (removed > 0) deps.logger.info({ removed }, 'Removed finished jobs past retention');
      }
    } catch (error) {
      report(error, 'sweep jobs');
    }
  }

  function planTick(delay: number) {
    if (!running) return;
    clearTimeout(tickTimer);
    nextTickAt = Date.now() + delay;
    tickTimer = setTimeout(() => {
      inFlight = tick().finally(() => planTick(tickMs));
    }, delay);
  }

  function planSweep() {
    if (!running) return;
    sweepTimer = setTimeout(() => {
      inFlight = sweep().finally(planSweep);
    }, sweepMs);
  }

  return {
    start() {
      running = true;
      planTick(0);
      planSweep();
    },
    /** Something became due at `runAt`: tick then if that is before the next planned tick. */
    wakeAt(runAt: Date) {
      const delay = Math.max(0, runAt.getTime() - Date.now());
      if (running && Date.now() + delay < nextTickAt) planTick(delay);
    },
    tickNow: tick,
    sweepNow: sweep,
    async stop() {
      running = false;
      clearTimeout(tickTimer);
      clearTimeout(sweepTimer);
      await inFlight;
    },
  };
}

export type JobScheduler = ReturnType<typeof createJobScheduler>;
