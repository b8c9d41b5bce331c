import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Job } from '../../db/schema.js';
import { createBatcher } from '../../shared/batcher.js';
import type { Logger } from '../../shared/logger.js';
import { withTimeout } from '../../shared/timeout.js';
import type { JobsRepo, QueuedRef } from '../jobs.repo.js';
import type { JobConsumer, JobDriver } from './job-driver.js';

const PUSH_TIMEOUT_MS = 2000;

/**
 * BullMQ carries job ids between processes; the row is claimed from the table before it runs, so a
 * duplicate delivery (a re-push after a lost ack) never runs a job twice.
 */
export function createBullmqDriver(deps: {
  repo: JobsRepo;
  logger: Logger;
  /** A connection for producers (fails fast while Redis is down: the sweeper repeats the push). */
  producer: Redis;
  /** Creates a blocking connection for a worker. */
  workerConnection: () => Redis;
  leaseMs: number;
  owner: string;
  prefix: string;
}): JobDriver {
  const queues = new Map<string, Queue>();
  const workers: Worker[] = [];
  const claims = createBatcher<number, Job | null>({
    flush: async (ids) => {
      const claimed = await deps.repo.claimByIds(ids, deps.leaseMs, deps.owner);
      return new Map(claimed.map((job) => [job.id, job]));
    },
    fallback: null,
  });

  const queueFor = (name: string) => {
    let queue = queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: deps.producer, prefix: deps.prefix });
      queue.on('error', (error) => deps.logger.warn({ err: error, queue: name }, 'BullMQ queue error'));
      queues.set(name, queue);
    }
    return queue;
  };

  return {
    kind: 'bullmq',
    repushStale: true,
    async push(refs: QueuedRef[]) {
      // While Redis is away, do not hold the caller (an HTTP request): the rows are committed, and the
      // scheduler's sweep pushes stale queued rows again once Redis is back.
      if (deps.producer.status !== 'ready') {
        deps.logger.warn(
          { count: refs.length, redis: deps.producer.status },
          'Redis unavailable; jobs wait in the table',
        );
        return;
      }
      const byQueue = new Map<string, QueuedRef[]>();
      for (const ref of refs) {
        const list = byQueue.get(ref.queue);
        if (list) list.push(ref);
        else byQueue.set(ref.queue, [ref]);
      }
      for (const [queueName, items] of byQueue) {
        try {
          const added = queueFor(queueName).addBulk(
            items.map((ref) => ({
              name: ref.name,
              data: { id: ref.id },
              // One BullMQ job per row and attempt: pushing a still-waiting row again is a no-op, while a row
              // recovered from a dead worker (whose BullMQ job may still look active) gets a fresh delivery.
              opts: { jobId: `j${ref.id}.${ref.attempts}`, removeOnComplete: true, removeOnFail: true },
            })),
          );
          added.catch(() => {});
          await withTimeout(added, PUSH_TIMEOUT_MS, `Redis did not answer within ${PUSH_TIMEOUT_MS} ms`);
        } catch (error) {
          // The rows are committed; the scheduler's sweep pushes them again once Redis is back.
          deps.logger.warn({ err: error, queue: queueName, count: items.length }, 'Could not push jobs to Redis');
        }
      }
    },
    async startConsuming(consumer: JobConsumer, options) {
      for (const queueName of options.queues) {
        const worker = new Worker<{ id: number }>(
          queueName,
          async (bullJob) => {
            const job = await claims.load(bullJob.data.id);
            if (job) await consumer.execute(job);
          },
          {
            connection: deps.workerConnection(),
            prefix: deps.prefix,
            concurrency: options.concurrencyOf?.(queueName) ?? options.concurrency,
            removeOnComplete: { count: 0 },
            removeOnFail: { count: 0 },
          },
        );
        worker.on('error', (error) => deps.logger.warn({ err: error, queue: queueName }, 'BullMQ worker error'));
        workers.push(worker);
      }
    },
    async stopConsuming() {
      // close() waits for the jobs in progress (the runner aborts them first when the grace period
      // ends); a connection stuck after a Redis outage must not hold shutdown, so force it after a while.
      await Promise.all(
        workers.map((worker) =>
          withTimeout(worker.close(), 10_000, 'BullMQ worker close timed out')
            .catch(() => withTimeout(worker.close(true), 3_000, 'BullMQ worker force close timed out'))
            // Last resort: drop its connections, so shutdown never waits on a socket Redis left half-open.
            .catch(() => worker.disconnect().catch(() => undefined)),
        ),
      );
      workers.length = 0;
    },
    async close() {
      await this.stopConsuming();
      await Promise.all(
        [...queues.values()].map((queue) =>
          withTimeout(queue.close(), 5_000, 'BullMQ queue close timed out').catch(() => undefined),
        ),
      );
      queues.clear();
    },
  };
}
