import { z } from 'zod';
import { webhookDeliveryErasure } from '../automation/webhooks/webhooks.repo.js';
import { rawWebhookErasure } from '../channels/whatsapp/raw-webhooks.repo.js';
import type { Db } from '../db/client.js';
import { defineJob } from '../jobs/job-definition.js';
import type { JobSystem } from '../jobs/job-system.js';
import type { Clock } from '../shared/clock.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Rows per DELETE: short statements, so the webhook intake's inserts never wait long behind one. */
const PRUNE_CHUNK = 1000;

export const PruneExpiredSchema = z.object({});

export interface RetentionDays {
  /** Processed (or unroutable) WhatsApp webhook bodies: RAW_WEBHOOK_RETENTION_DAYS. */
  rawWebhooks: number;
  /** Settled outgoing webhook deliveries (the log and its payloads): WEBHOOK_DELIVERY_RETENTION_DAYS. */
  webhookDeliveries: number;
}

/**
 * Copies of people's messages kept for operations — stored WhatsApp webhooks (what Meta delivered) and the
 * outgoing webhook log (what integrations were sent) — are not kept for ever (LGPD). A daily job deletes
 * those done with and older than their retention, a chunk at a time. One run a day, whichever process
 * schedules it: the job key is the day.
 */
export function createRetention(deps: { db: Db; jobs: JobSystem; clock: Clock; days: RetentionDays }) {
  const dailyKey = (at: Date) => `privacy:prune:${at.toISOString().slice(0, 10)}`;

  const schedule = {
    /** Today's run now (a no-op when it already ran today), then one a day. */
    async enqueueAtStartup(): Promise<void> {
      await deps.jobs.enqueue('privacy.prune_expired', {}, { key: dailyKey(deps.clock.now()) });
    },
    async scheduleNext(): Promise<void> {
      const runAt = new Date(deps.clock.now().getTime() + DAY_MS);
      await deps.jobs.enqueue('privacy.prune_expired', {}, { runAt, key: dailyKey(runAt) });
    },
  };

  const before = (days: number) => new Date(deps.clock.now().getTime() - days * DAY_MS);

  const job = defineJob({
    name: 'privacy.prune_expired',
    schema: PruneExpiredSchema,
    maxAttempts: 5,
    timeoutMs: 10 * 60 * 1000,
    async handler(_payload, context) {
      await schedule.scheduleNext();
      const prune = async (deleteChunk: (limit: number) => Promise<number>) => {
        let removed = 0;
        for (;;) {
          if (context.signal.aborted) throw new Error('Stopped while pruning; the retry goes on');
          const count = await deleteChunk(PRUNE_CHUNK);
          removed += count;
          if (count < PRUNE_CHUNK) return removed;
        }
      };
      const rawWebhooks = await prune((limit) =>
        rawWebhookErasure.pruneBefore(deps.db, before(deps.days.rawWebhooks), limit),
      );
      const webhookDeliveries = await prune((limit) =>
        webhookDeliveryErasure.pruneBefore(deps.db, before(deps.days.webhookDeliveries), limit),
      );
      if (rawWebhooks + webhookDeliveries > 0) {
        context.logger.info({ rawWebhooks, webhookDeliveries, days: deps.days }, 'Removed data past retention');
      }
      return rawWebhooks + webhookDeliveries > 0 ? 'done' : 'skipped';
    },
  });

  return { schedule, job };
}
