import type { Job } from '../../db/schema.js';
import type { QueuedRef } from '../jobs.repo.js';

export interface JobConsumer {
  execute(job: Job): Promise<void>;
}

/**
 * How queued job ids reach workers. The row in `jobs` stays the truth whatever the driver:
 * a push that is lost (crash, Redis down) is repeated by the scheduler's sweep.
 */
export interface JobDriver {
  readonly kind: 'bullmq' | 'local';
  /** Lost pushes must be repeated by the sweeper (a remote queue can lose them; the local one reads the table). */
  readonly repushStale: boolean;
  push(refs: QueuedRef[]): Promise<void>;
  /** `concurrencyOf` overrides `concurrency` per queue where the driver runs queues apart (BullMQ). */
  startConsuming(
    consumer: JobConsumer,
    options: { queues: string[]; concurrency: number; concurrencyOf?: (queue: string) => number | undefined },
  ): Promise<void>;
  /** Stops taking new jobs; resolves once nothing more will be started. */
  stopConsuming(): Promise<void>;
  close(): Promise<void>;
}
