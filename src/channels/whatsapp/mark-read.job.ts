import { z } from 'zod';
import type { Db } from '../../db/client.js';
import type { InboxesRepo } from '../../inbox/inboxes.repo.js';
import { defineJob } from '../../jobs/job-definition.js';
import { GraphApiError, type GraphClient } from './graph-client.js';
import { buildReadReceiptPayload, ReadReceiptResponseSchema } from './outbound-payload.js';
import type { WhatsAppTargets } from './whatsapp-target.js';

export const MarkReadSchema = z.object({ messageId: z.number().int().positive() });

/**
 * Tells WhatsApp an agent read a client's message (blue ticks on the client's phone). Best effort:
 * a few quick retries for temporary errors, then a log line; nothing waits for it.
 */
export function createMarkReadJob(deps: {
  db: Db;
  inboxes: InboxesRepo;
  graph: GraphClient;
  targets: WhatsAppTargets;
}) {
  return defineJob({
    name: 'whatsapp.mark_read',
    queue: 'whatsapp',
    schema: MarkReadSchema,
    maxAttempts: 3,
    timeoutMs: 30_000,
    backoff: { baseMs: 2_000, maxMs: 30_000 },
    async handler({ messageId }, context) {
      const message = await deps.db
        .selectFrom('messages')
        .select(['inbox_id', 'source_id', 'message_type'])
        .where('id', '=', messageId)
        .executeTakeFirst();
      if (!message?.source_id || message.message_type !== 0) return 'skipped';
      const inbox = await deps.inboxes.findById(message.inbox_id);
      const target = inbox && !inbox.reauthorization_required_at ? deps.targets.targetFor(inbox) : null;
      if (!target) return 'skipped';
      try {
        await deps.graph.call(
          target,
          'POST',
          `${encodeURIComponent(target.phoneNumberId)}/messages`,
          ReadReceiptResponseSchema,
          buildReadReceiptPayload(message.source_id),
        );
      } catch (error) {
        if (!(error instanceof GraphApiError)) throw error;
        if (error.details.retryable && context.attempt < context.maxAttempts) throw error;
        context.logger.warn({ err: error, code: error.details.code, messageId }, 'Could not mark a message as read');
      }
      return 'done';
    },
  });
}
