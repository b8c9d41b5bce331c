import type { Logger } from '../../shared/logger.js';
import type { JobsRepo, QueuedRef } from '../jobs.repo.js';
import type { JobConsumer, JobDriver } from './job-driver.js';

// One loop per queue polls when idle (rows another process queued); pushes from this process wake it at once.
const IDLE_POLL_MS = 1000;
const CLAIM_BATCH = 50;
const CLAIM_GATHER_MS = 10;

/**
 * In-process driver: the job table is the queue. Workers lease rows with FOR UPDATE SKIP LOCKED, so
 * several processes on one PostgreSQL also share work safely; a push from this process wakes them at once.
 * Each queue has its own loop and concurrency, as on BullMQ: a burst on one queue (a thousand due
 * reminders) does not hold back another (the sends those reminders queue).
 */
export function createLocalDriver(deps: { repo: JobsRepo; logger: Logger; leaseMs: number; owner: string }): JobDriver {
  let running = false;
  const wakers = new Map<() => void, string>();
  let loops: Array<Promise<void>> = [];

  // Only the loops of the queues pushed to: a claim on an empty queue is a wasted statement.
  const signal = (queues?: Set<string>) => {
    for (const [wake, queue] of [...wakers]) if (!queues || queues.has(queue)) wake();
  };

  async function consume(consumer: JobConsumer, queue: string, concurrency: number) {
    let active = 0;
    // The last claim found the queue empty: finishing jobs need not claim again, only a push or the poll.
    let drained = false;
    let wake: (() => void) | undefined;
    const waker = (pushed: boolean) => {
      if (pushed) drained = false;
      const resolve = wake;
      wake = undefined;
      resolve?.();
    };
    const onPush = () => waker(true);
    wakers.set(onPush, queue);
    const idle = (ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          wake = undefined;
          drained = false;
          resolve();
        }, ms);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    // Each claim is a statement (a round trip on PGlite's one connection): with work waiting, claim when a
    // few slots are free rather than one at a time, or once a slot has waited CLAIM_GATHER_MS.
    const gather = Math.max(1, Math.floor(concurrency / 4));
    let freeSince = 0;
    let failures = 0;
    try {
      while (running) {
        const free = concurrency - active;
        if (free <= 0 || drained) {
          freeSince = 0;
          await idle(IDLE_POLL_MS);
          continue;
        }
        if (free < gather && active > 0) {
          freeSince ||= Date.now();
          const waited = Date.now() - freeSince;
          if (waited < CLAIM_GATHER_MS) {
            await idle(CLAIM_GATHER_MS - waited);
            continue;
          }
        }
        freeSince = 0;
        try {
          const wanted = Math.min(free, CLAIM_BATCH);
          const jobs = await deps.repo.claimNext([queue], wanted, deps.leaseMs, deps.owner);
          failures = 0;
          if (jobs.length < wanted) drained = true;
          for (const job of jobs) {
            active++;
            void consumer
              .execute(job)
              .catch((error) => deps.logger.error({ err: error, jobId: job.id }, 'Job bookkeeping failed'))
              .finally(() => {
                active--;
                waker(false);
              });
          }
        } catch (error) {
          failures++;
          deps.logger.warn({ err: error, queue }, 'Could not claim jobs; retrying');
          await idle(Math.min(5000, 200 * 2 ** failures));
        }
      }
    } finally {
      wakers.delete(onPush);
    }
  }

  return {
    kind: 'local',
    repushStale: false,
    async push(refs: QueuedRef[]) {
      signal(new Set(refs.map((ref) => ref.queue)));
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
      signal();
      await Promise.all(loops);
      loops = [];
    },
    async close() {
      await this.stopConsuming();
    },
  };
}
