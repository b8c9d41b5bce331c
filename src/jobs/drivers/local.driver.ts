import type { Logger } from '../../shared/logger.js';
import type { JobsRepo, QueuedRef } from '../jobs.repo.js';
import type { JobConsumer, JobDriver } from './job-driver.js';

// One loop per queue polls when idle (rows another process queued); pushes from this process wake it at once.
const IDLE_POLL_MS = 1000;
const CLAIM_BATCH = 50;

/**
 * In-process driver: the job table is the queue. Workers lease rows with FOR UPDATE SKIP LOCKED, so
 * several processes on one PostgreSQL also share work safely; a push from this process wakes them at once.
 * Each queue has its own loop and concurrency, as on BullMQ: a burst on one queue (a thousand due
 * reminders) does not hold back another (the sends those reminders queue).
 */
export function createLocalDriver(deps: { repo: JobsRepo; logger: Logger; leaseMs: number; owner: string }): JobDriver {
  let running = false;
  const wakers = new Set<() => void>();
  let loops: Array<Promise<void>> = [];

  const signalAll = () => {
    for (const wake of [...wakers]) wake();
  };

  async function consume(consumer: JobConsumer, queue: string, concurrency: number) {
    let active = 0;
    let wake: (() => void) | undefined;
    const waker = () => {
      const resolve = wake;
      wake = undefined;
      resolve?.();
    };
    wakers.add(waker);
    const idle = (ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          wake = undefined;
          resolve();
        }, ms);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    let failures = 0;
    try {
      while (running) {
        const free = concurrency - active;
        if (free <= 0) {
          await idle(IDLE_POLL_MS);
          continue;
        }
        try {
          const jobs = await deps.repo.claimNext([queue], Math.min(free, CLAIM_BATCH), deps.leaseMs, deps.owner);
          failures = 0;
          for (const job of jobs) {
            active++;
            void consumer
              .execute(job)
              .catch((error) => deps.logger.error({ err: error, jobId: job.id }, 'Job bookkeeping failed'))
              .finally(() => {
                active--;
                waker();
              });
          }
          if (jobs.length === 0) await idle(IDLE_POLL_MS);
        } catch (error) {
          failures++;
          deps.logger.warn({ err: error, queue }, 'Could not claim jobs; retrying');
          await idle(Math.min(5000, 200 * 2 ** failures));
        }
      }
    } finally {
      wakers.delete(waker);
    }
  }

  return {
    kind: 'local',
    repushStale: false,
    async push(_refs: QueuedRef[]) {
      signalAll();
    },
    async startConsuming(consumer, options) {
      running = true;
      // A queue's own concurrency is for remote workers that only wait (BullMQ); here every handler
      // shares the process and the database connection, so none runs wider than the process default.
      loops = options.queues.map((queue) =>
        consume(consumer, queue, Math.min(options.concurrencyOf?.(queue) ?? options.concurrency, options.concurrency)),
      );
    },
    async stopConsuming() {
      running = false;
      signalAll();
      await Promise.all(loops);
      loops = [];
    },
    async close() {
      await this.stopConsuming();
    },
  };
}
