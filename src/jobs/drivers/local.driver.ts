import type { Logger } from '../../shared/logger.js';
import type { JobsRepo, QueuedRef } from '../jobs.repo.js';
import type { JobConsumer, JobDriver } from './job-driver.js';

const IDLE_POLL_MS = 250;
const CLAIM_BATCH = 50;

/**
 * In-process driver: the job table is the queue. Workers lease rows with FOR UPDATE SKIP LOCKED, so
 * several processes on one PostgreSQL also share work safely; a push from this process wakes them at once.
 */
export function createLocalDriver(deps: { repo: JobsRepo; logger: Logger; leaseMs: number; owner: string }): JobDriver {
  let running = false;
  let wake: (() => void) | undefined;
  let loop: Promise<void> | undefined;
  let active = 0;

  const signal = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
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

  async function consume(consumer: JobConsumer, queues: string[], concurrency: number) {
    let failures = 0;
    while (running) {
      const free = concurrency - active;
      if (free <= 0) {
        await idle(IDLE_POLL_MS);
        continue;
      }
      try {
        const jobs = await deps.repo.claimNext(queues, Math.min(free, CLAIM_BATCH), deps.leaseMs, deps.owner);
        failures = 0;
        for (const job of jobs) {
          active++;
          void consumer
            .execute(job)
            .catch((error) => deps.logger.error({ err: error, jobId: job.id }, 'Job bookkeeping failed'))
            .finally(() => {
              active--;
              signal();
            });
        }
        if (jobs.length === 0) await idle(IDLE_POLL_MS);
      } catch (error) {
        failures++;
        deps.logger.warn({ err: error }, 'Could not claim jobs; retrying');
        await idle(Math.min(5000, 200 * 2 ** failures));
      }
    }
  }

  return {
    kind: 'local',
    repushStale: false,
    async push(_refs: QueuedRef[]) {
      signal();
    },
    async startConsuming(consumer, options) {
      running = true;
      loop = consume(consumer, options.queues, options.concurrency);
    },
    async stopConsuming() {
      running = false;
      signal();
      await loop;
    },
    async close() {
      await this.stopConsuming();
    },
  };
}
