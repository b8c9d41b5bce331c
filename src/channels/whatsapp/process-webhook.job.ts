import { z } from 'zod';
import type { Db } from '../../db/client.js';
import type { InboxesRepo } from '../../inbox/inboxes.repo.js';
import { defineJob } from '../../jobs/job-definition.js';
import type { Metrics } from '../../shared/metrics.js';
import type { WhatsAppInboundService } from './inbound.service.js';
import { rawWebhooksRepo } from './raw-webhooks.repo.js';
import { createWebhookProcessor } from './webhook-processing.js';

/** The most stored webhooks one job carries (the intake stores at most this many at once). */
export const MAX_WEBHOOKS_PER_JOB = 1000;

const RawWebhookId = z.number().int().positive();
const ProcessWebhookPayload = z.union([
  // The intake's shape: every webhook one commit stored for an account.
  z.object({ rawWebhookIds: z.array(RawWebhookId).min(1).max(MAX_WEBHOOKS_PER_JOB) }),
  // One webhook: jobs queued before the intake grouped them, and still valid to enqueue by hand.
  z.object({ rawWebhookId: RawWebhookId }),
]);

const idsOf = (payload: z.infer<typeof ProcessWebhookPayload>) =>
  'rawWebhookIds' in payload ? payload.rawWebhookIds : [payload.rawWebhookId];

/**
 * Turns stored webhooks into messages, statuses and events. Safe to run again (a retry, or a replay
 * after a bug fix): every step it takes is idempotent. Jobs running together share one transaction.
 * A retry only processes the webhooks still waiting: one that failed does not make the others run twice.
 */
export function createProcessWebhookJob(deps: {
  db: Db;
  inboxes: InboxesRepo;
  inbound: WhatsAppInboundService;
  metrics: Metrics;
  /** Webhooks processed together at most, while deliveries arrive and after (see createWebhookProcessor). */
  maxBatch?: number;
  catchUpBatch?: number;
}) {
  const processor = createWebhookProcessor(deps);
  return defineJob({
    name: 'whatsapp.process_webhook',
    // Its own queue: the concurrency below must not apply to outgoing account webhooks (queue `webhooks`).
    queue: 'whatsapp-inbound',
    schema: ProcessWebhookPayload,
    maxAttempts: 10,
    backoff: { baseMs: 2_000, maxMs: 10 * 60 * 1000 },
    // Waiting for a batch costs nothing: more at once makes bigger batches (fewer commits per webhook). Under
    // a sustained burst an intake commit's job waits ~0.5 s for its batch, so ~60 wait at 125 commits/s: with
    // 64, the rest overflowed to the BullMQ round trip (push, fetch, claim) that starting them here avoids.
    concurrency: 256,
    handler: async (payload, context) => {
      const ids = context.attempt > 1 ? await rawWebhooksRepo.unprocessed(deps.db, idsOf(payload)) : idsOf(payload);
      const results = await Promise.allSettled(ids.map((id) => processor.process(id)));
      const failed = ids.flatMap((id, index) => {
        const result = results[index];
        return result?.status === 'rejected' ? [{ id, reason: result.reason as unknown }] : [];
      });
      const first = failed[0];
      if (first) {
        const reason = first.reason instanceof Error ? first.reason.message : String(first.reason);
        throw new Error(
          `${failed.length} of ${ids.length} webhook(s) failed (raw webhooks ${failed.map((one) => one.id).join(', ')}); first: ${reason}`,
          { cause: first.reason },
        );
      }
      return results.some((result) => result.status === 'fulfilled' && result.value === 'done') ? 'done' : 'skipped';
    },
  });
}
