import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { defineJob } from '../../jobs/job-definition.js';
import type { JobSystem } from '../../jobs/job-system.js';
import type { Clock } from '../../shared/clock.js';
import { rawWebhookErasure } from './raw-webhooks.repo.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Rows per DELETE: short statements, so the intake's inserts never wait long behind one. */
const PRUNE_CHUNK = 1000;

export const PruneRawWebhooksSchema = z.object({});

export const EraseRawWebhooksSchema = z.object({
  accountId: z.number().int().positive(),
  /** wa_ids (both 9th-digit forms) and BSUIDs of the person whose data goes. */
  whatsAppIds: z.array(z.string().min(1)).min(1).max(50),
});

/**
 * Raw webhooks are the record of what Meta delivered, kept so a delivery can be checked and processed again.
 * They hold people's messages and numbers, so they are not kept for ever (LGPD): a daily job deletes those
 * processed (or unroutable) more than RAW_WEBHOOK_RETENTION_DAYS ago. One run a day, whichever process
 * schedules it: the job key is the day.
 */
export function createRawWebhookRetention(deps: { db: Db; jobs: JobSystem; clock: Clock; retentionDays: number }) {
  const dailyKey = (at: Date) => `raw-webhooks:prune:${at.toISOString().slice(0, 10)}`;

  const schedule = {
    /** Today's run now (a no-op when it already ran today), then one a day. */
    async enqueueAtStartup(): Promise<void> {
      await deps.jobs.enqueue('whatsapp.prune_raw_webhooks', {}, { key: dailyKey(deps.clock.now()) });
    },
    async scheduleNext(): Promise<void> {
      const runAt = new Date(deps.clock.now().getTime() + DAY_MS);
      await deps.jobs.enqueue('whatsapp.prune_raw_webhooks', {}, { runAt, key: dailyKey(runAt) });
    },
  };

  const job = defineJob({
    name: 'whatsapp.prune_raw_webhooks',
    schema: PruneRawWebhooksSchema,
    maxAttempts: 5,
    timeoutMs: 10 * 60 * 1000,
    async handler(_payload, context) {
      await schedule.scheduleNext();
      const before = new Date(deps.clock.now().getTime() - deps.retentionDays * DAY_MS);
      let removed = 0;
      for (;;) {
        if (context.signal.aborted) throw new Error('Stopped while pruning raw webhooks; the retry goes on');
        const count = await rawWebhookErasure.pruneBefore(deps.db, before, PRUNE_CHUNK);
        removed += count;
        if (count < PRUNE_CHUNK) break;
      }
      if (removed > 0) {
        context.logger.info({ removed, retentionDays: deps.retentionDays }, 'Removed raw webhooks past retention');
      }
      return removed > 0 ? 'done' : 'skipped';
    },
  });

  return { schedule, job };
}

/** Erases a deleted person's stored webhook bodies (queued by the contact's deletion, in its transaction). */
export function createEraseRawWebhooksJob(deps: { db: Db }) {
  return defineJob({
    name: 'whatsapp.erase_raw_webhooks',
    schema: EraseRawWebhooksSchema,
    timeoutMs: 10 * 60 * 1000,
    async handler({ accountId, whatsAppIds }, context) {
      const erased = await rawWebhookErasure.eraseMentioning(deps.db, accountId, whatsAppIds);
      context.logger.info({ accountId, erased }, 'Erased a deleted contact’s stored webhooks');
      return erased > 0 ? 'done' : 'skipped';
    },
  });
}
