import { z } from 'zod';
import type { Db } from '../../db/client.js';
import type { InboxesRepo } from '../../inbox/inboxes.repo.js';
import { defineJob } from '../../jobs/job-definition.js';
import type { RateLimiter } from '../../jobs/rate-limiter.js';
import { isPermanentWhatsAppError } from './error-reasons.js';
import { GraphApiError, type GraphClient } from './graph-client.js';
import { buildReactionPayload, SendResponseSchema } from './outbound-payload.js';
import { SENDS_PER_SECOND } from './send-message.job.js';
import type { WhatsAppTargets } from './whatsapp-target.js';

export const SendReactionSchema = z.object({
  conversationId: z.number().int().positive(),
  inboxId: z.number().int().positive(),
  targetSourceId: z.string().min(1),
});

/**
 * Puts the business's reaction on a client's message as it stands now: the latest agent reaction on
 * it, or none (an empty emoji). Sending the current state, not the request's, makes a late or repeated
 * job harmless: WhatsApp shows one reaction per sender, and it ends as Santana has it.
 */
export function createSendReactionJob(deps: {
  db: Db;
  inboxes: InboxesRepo;
  graph: GraphClient;
  targets: WhatsAppTargets;
  rateLimiter: RateLimiter;
}) {
  return defineJob({
    name: 'whatsapp.send_reaction',
    queue: 'whatsapp',
    schema: SendReactionSchema,
    maxAttempts: 6,
    backoff: { baseMs: 1_000, maxMs: 5 * 60 * 1000 },
    async handler({ conversationId, inboxId, targetSourceId }, context) {
      const conversation = await deps.db
        .selectFrom('conversations')
        .innerJoin('contact_inboxes', 'contact_inboxes.id', 'conversations.contact_inbox_id')
        .select(['contact_inboxes.source_id'])
        .where('conversations.id', '=', conversationId)
        .executeTakeFirst();
      const inbox = await deps.inboxes.findById(inboxId);
      const target = inbox ? deps.targets.targetFor(inbox) : null;
      if (!conversation || !target) return 'skipped';
      const current = await deps.db
        .selectFrom('message_reactions')
        .select('emoji')
        .where('inbox_id', '=', inboxId)
        .where('target_source_id', '=', targetSourceId)
        .where('reactor_type', '=', 'user')
        .orderBy('reacted_at', 'desc')
        .orderBy('id', 'desc')
        .executeTakeFirst();
      await deps.rateLimiter.acquire(`whatsapp:${target.phoneNumberId}`, SENDS_PER_SECOND, context.signal);
      try {
        await deps.graph.call(
          target,
          'POST',
          `${encodeURIComponent(target.phoneNumberId)}/messages`,
          SendResponseSchema,
          buildReactionPayload(conversation.source_id, targetSourceId, current?.emoji ?? ''),
        );
      } catch (error) {
        if (!(error instanceof GraphApiError)) throw error;
        const { code, retryable } = error.details;
        if (retryable && !isPermanentWhatsAppError(code) && context.attempt < context.maxAttempts) throw error;
        // Nothing in the conversation depends on it: the agent still sees the reaction in Santana.
        context.logger.warn({ err: error, code, targetSourceId }, 'WhatsApp refused a reaction');
      }
      return 'done';
    },
  });
}
