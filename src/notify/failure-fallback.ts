import { sql } from 'kysely';
import type { BusinessEventListener, BusinessEvents } from '../automation/business-events.js';
import type { SmsGateway } from '../channels/sms/sms-gateway.js';
import type { Db } from '../db/client.js';
import { inTransaction } from '../db/transaction.js';

/** WhatsApp failures where SMS can still reach the person (no WhatsApp, undeliverable, re-engagement). */
const SMS_WORTHY = new Set(['131026', '131047', '131051', '131000']);

/**
 * When the WhatsApp message carrying a notification fails for good, the notification falls back to
 * SMS if it has an SMS text and the account can send SMS; otherwise it stays failed and
 * `notification.failed` is recorded (automation, webhooks). A marketing opt-out (131050) never falls back.
 */
export function createFailureFallback(deps: {
  db: Db;
  sms: SmsGateway;
  businessEvents: BusinessEvents;
}): BusinessEventListener {
  return {
    id: 'notify.fallback',
    wants: (event) => event.name === 'message.failed' && typeof event.data.notification_id === 'number',
    async handle(event) {
      const notificationId = event.data.notification_id as number;
      const code = typeof event.data.error_code === 'string' ? event.data.error_code : null;
      const smsAvailable = await deps.sms.isAvailable(event.accountId);
      await inTransaction(deps.db, async (tx) => {
        const notification = await tx.trx
          .selectFrom('notifications')
          .innerJoin('contacts', 'contacts.id', 'notifications.contact_id')
          .selectAll('notifications')
          .select('contacts.phone_number')
          .where('notifications.id', '=', notificationId)
          .where('notifications.account_id', '=', event.accountId)
          .forUpdate()
          .executeTakeFirst();
        if (notification?.status !== 'failed' || notification.channel !== 'whatsapp') return;
        const smsText = (notification.rendered as { sms?: string | null } | null)?.sms ?? null;
        if (code && SMS_WORTHY.has(code) && smsText && notification.phone_number && smsAvailable) {
          await tx.trx
            .updateTable('notifications')
            .set({
              channel: 'sms',
              status: 'queued',
              reason: `sms_fallback: o WhatsApp falhou (${code}); enviando por SMS`,
              updated_at: sql`now()`,
            })
            .where('id', '=', notification.id)
            .execute();
          await deps.sms.enqueue(tx, event.accountId, notification.id);
          return;
        }
        await deps.businessEvents.record(tx, {
          accountId: event.accountId,
          name: 'notification.failed',
          data: {
            notification_id: notification.id,
            contact_id: notification.contact_id,
            event_id: notification.event_id,
            assignment_id: notification.assignment_id,
            kind: notification.kind,
            channel: 'whatsapp',
            error_code: code,
            reason: notification.reason,
          },
        });
      });
    },
  };
}
