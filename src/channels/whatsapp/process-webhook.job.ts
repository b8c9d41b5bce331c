import { z } from 'zod';
import type { Db } from '../../db/client.js';
import type { InboxesRepo } from '../../inbox/inboxes.repo.js';
import { defineJob } from '../../jobs/job-definition.js';
import type { WhatsAppInboundService } from './inbound.service.js';
import { createWebhookProcessor } from './webhook-processing.js';

/**
 * Turns a stored webhook into messages, statuses and events. Safe to run again (a retry, or a replay
 * after a bug fix): every step it takes is idempotent. Jobs running together share one transaction.
 */
export function createProcessWebhookJob(deps: { db: Db; inboxes: InboxesRepo; inbound: WhatsAppInboundService }) {
  const processor = createWebhookProcessor(deps);
  return defineJob({
    name: 'whatsapp.process_webhook',
    // Its own queue: the concurrency below must not apply to outgoing account webhooks (queue `webhooks`).
    queue: 'whatsapp-inbound',
    schema: z.object({ rawWebhookId: z.number().int().positive() }),
    maxAttempts: 10,
    backoff: { baseMs: 2_000, maxMs: 10 * 60 * 1000 },
    // Waiting for a batch costs nothing: more at once makes bigger batches (fewer commits per webhook).
    concurrency: 256,
    handler: ({ rawWebhookId }) => processor.process(rawWebhookId),
  });
}
