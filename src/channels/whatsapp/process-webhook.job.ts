import { z } from 'zod';
import type { Db } from '../../db/client.js';
import type { Inbox } from '../../db/schema.js';
import type { InboxesRepo } from '../../inbox/inboxes.repo.js';
import { defineJob } from '../../jobs/job-definition.js';
import { createBatcher } from '../../shared/batcher.js';
import { withoutNul } from '../../shared/text.js';
import type { WhatsAppInboundService } from './inbound.service.js';
import { rawWebhooksRepo } from './raw-webhooks.repo.js';
import { WebhookEnvelopeSchema } from './webhook-envelope.js';
import { extractEvents } from './webhook-events.js';

/**
 * Turns a stored webhook into messages, statuses and events. Safe to run again (a retry, or a replay
 * after a bug fix): every step it takes is idempotent.
 */
export function createProcessWebhookJob(deps: { db: Db; inboxes: InboxesRepo; inbound: WhatsAppInboundService }) {
  // Webhooks finishing together are marked in one UPDATE per outcome: one commit for many, not one each.
  const marks = createBatcher<{ id: number; error: string | null }, true>({
    flush: async (items) => {
      const byError = new Map<string | null, number[]>();
      for (const item of items) byError.set(item.error, [...(byError.get(item.error) ?? []), item.id]);
      for (const [error, ids] of byError) await rawWebhooksRepo.markProcessed(deps.db, ids, error);
      return new Map(items.map((item) => [item, true as const]));
    },
    fallback: true,
  });

  // Jobs starting together share one lookup of their inbox (usually the same one for all).
  const inboxById = createBatcher<number, Inbox | null>({
    flush: async (ids) => {
      const distinct = [...new Set(ids)];
      const found = await Promise.all(distinct.map((id) => deps.inboxes.findById(id)));
      return new Map(distinct.map((id, index) => [id, found[index] ?? null]));
    },
    fallback: null,
  });

  return defineJob({
    name: 'whatsapp.process_webhook',
    queue: 'webhooks',
    schema: z.object({ rawWebhookId: z.number().int().positive() }),
    maxAttempts: 10,
    backoff: { baseMs: 2_000, maxMs: 10 * 60 * 1000 },
    async handler({ rawWebhookId }) {
      const raw = await rawWebhooksRepo.find(deps.db, rawWebhookId);
      if (!raw) return 'skipped';
      const envelope = WebhookEnvelopeSchema.parse(withoutNul(JSON.parse(raw.body)));
      const fallbackInbox = raw.inbox_id === null ? null : await inboxById.load(raw.inbox_id);
      const events = extractEvents(envelope);
      let unrouted = 0;
      for (const [index, event] of events.entries()) {
        const applied = await deps.inbound.apply(event, {
          rawWebhookId,
          eventKey: `${rawWebhookId}:${index}`,
          receivedAt: raw.received_at,
          fallbackInbox,
        });
        if (!applied) unrouted++;
      }
      await marks.load({
        id: rawWebhookId,
        error: unrouted > 0 ? `${unrouted} event(s) for a number no inbox owns` : null,
      });
      return 'done';
    },
  });
}
