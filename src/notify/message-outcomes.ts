import { sql } from 'kysely';
import type { BusinessEvents } from '../automation/business-events.js';
import type { Message, NotificationStatus } from '../db/schema.js';
import type { TxContext } from '../db/transaction.js';

const RANK: Partial<Record<NotificationStatus, number>> = { queued: 1, sent: 2, delivered: 3, read: 4, failed: 5 };

const notificationIdOf = (message: Message): number | null => {
  const id = (message.content_attributes as { notification_id?: unknown } | null)?.notification_id;
  return typeof id === 'number' ? id : null;
};

/**
 * What happens when an outgoing WhatsApp message changes status: a notification carried by it follows
 * (sent → delivered → read, or failed — never backwards), and a failure is recorded as the business
 * event `message.failed` (SMS fallback, opt-out on 131050, automation). Called in the transaction that
 * stores the status, so neither can be lost.
 */
export function createMessageOutcomes(deps: { businessEvents: BusinessEvents }) {
  return {
    async onStatus(tx: TxContext, message: Message): Promise<void> {
      const notificationId = notificationIdOf(message);
      if (message.status === 'failed' && message.message_type !== 0) {
        const conversation = await tx.trx
          .selectFrom('conversations')
          .select('contact_id')
          .where('id', '=', message.conversation_id)
          .executeTakeFirst();
        await deps.businessEvents.record(tx, {
          accountId: message.account_id,
          name: 'message.failed',
          data: {
            message_id: message.id,
            conversation_id: message.conversation_id,
            contact_id: conversation?.contact_id ?? null,
            error_code: message.error_code,
            reason: message.error_title,
            notification_id: notificationId,
          },
        });
      }
      const status = message.status as NotificationStatus;
      const rank = RANK[status];
      if (!notificationId || rank === undefined) return;
      const at = message.status_at ?? new Date();
      const moved = await tx.trx
        .updateTable('notifications')
        .set({
          status,
          ...(status === 'sent' ? { sent_at: at } : {}),
          ...(status === 'delivered' ? { delivered_at: at, sent_at: sql`coalesce(sent_at, ${at})` } : {}),
          ...(status === 'read' ? { read_at: at, sent_at: sql`coalesce(sent_at, ${at})` } : {}),
          ...(status === 'failed'
            ? { error_code: message.error_code, reason: `whatsapp_failed: ${message.error_title ?? 'falha no envio'}` }
            : {}),
          updated_at: sql`now()`,
        })
        .where('id', '=', notificationId)
        .where('account_id', '=', message.account_id)
        .where('channel', '=', 'whatsapp')
        .where(
          sql<number>`CASE status WHEN 'queued' THEN 1 WHEN 'sent' THEN 2 WHEN 'delivered' THEN 3 WHEN 'read' THEN 4 WHEN 'failed' THEN 5 ELSE 9 END`,
          '<',
          rank,
        )
        .returning(['id', 'contact_id', 'event_id', 'assignment_id', 'kind'])
        .executeTakeFirst();
      // Subscribable as the webhook event notification_sent (n8n flows that log what went out).
      if (moved && status === 'sent') {
        await deps.businessEvents.record(tx, {
          accountId: message.account_id,
          name: 'notification.sent',
          data: {
            notification_id: moved.id,
            contact_id: moved.contact_id,
            event_id: moved.event_id,
            assignment_id: moved.assignment_id,
            kind: moved.kind,
            channel: 'whatsapp',
            message_id: message.id,
          },
        });
      }
    },
  };
}

export type MessageOutcomes = ReturnType<typeof createMessageOutcomes>;
