import { z } from 'zod';
import { sleep } from '../shared/clock.js';
import { defineJob } from './job-definition.js';

export const SystemProbeSchema = z.strictObject({
  /** Optional work time, to observe a job while it runs (doctor, crash-recovery checks). */
  sleepMs: z.number().int().min(0).max(60_000).default(0),
});

/** A job that does nothing but finish: `santana doctor` enqueues one to prove workers are consuming. */
export const systemProbeJob = defineJob({
  name: 'system.probe',
  schema: SystemProbeSchema,
  timeoutMs: 70_000,
  async handler(payload, { signal }) {
    if (payload.sleepMs > 0) await sleep(payload.sleepMs, signal);
    return 'done';
  },
});
