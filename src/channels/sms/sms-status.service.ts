import { sql } from 'kysely';
import type { BusinessEvents } from '../../automation/business-events.js';
import type { Db } from '../../db/client.js';
import type { Notification, NotificationStatus, SmsProviderName } from '../../db/schema.js';
import { inTransaction, type TxContext } from '../../db/transaction.js';
import { consentsRepo } from '../../notify/consents/consents.repo.js';
import type { EventBus } from '../../realtime/event-bus.js';
import type { Clock } from '../../shared/clock.js';
import { explainSmsError } from './sms-error-reasons.js';
import { smsPendingStatuses } from './sms-pending-statuses.repo.js';
import type { SmsStatusUpdate } from './sms-provider.js';

/** Twilio's "unsubscribed recipient": the person answered STOP to this sender. */
export const SMS_UNSUBSCRIBED_CODE = '21610';

type FailedNotification = Pick<
  Notification,
  'id' | 'account_id' | 'contact_id' | 'event_id' | 'assignment_id' | 'kind' | 'status'
>;

/**
 * A notification's life on the SMS channel: sent with the gateway's id, then delivered or failed as
 * the gateway reports. Statuses only move forward (queued < sent < delivered; failed only before
 * delivery), so a late or repeated callback never undoes a newer one.
 */
export function createSmsStatusService(deps: {
  db: Db;
  businessEvents: BusinessEvents;
  events: EventBus;
  clock: Clock;
}) {
  const publish = (row: Pick<Notification, 'id' | 'account_id' | 'status'>) =>
    deps.events.publish({
      accountId: row.account_id,
      name: 'notification.updated',
      data: { id: row.id, status: row.status, channel: 'sms' },
    });

  async function fail(
    tx: TxContext,
    notification: FailedNotification,
    from: NotificationStatus[],
    code: string,
    reason: string,
  ): Promise<boolean> {
    const failed = await tx.trx
      .updateTable('notifications')
      .set({ status: 'failed', error_code: code, reason, updated_at: sql`now()` })
      .where('id', '=', notification.id)
      .where('account_id', '=', notification.account_id)
      .where('status', 'in', from)
      .returning(['id', 'account_id', 'status'])
      .executeTakeFirst();
    if (!failed) return false;
    if (code === SMS_UNSUBSCRIBED_CODE) {
      // The gateway will refuse every SMS to this person: record it as their opt-out of both purposes.
      for (const purpose of ['marketing', 'notifications'] as const) {
        await consentsRepo.set(tx.trx, {
          accountId: notification.account_id,
          contactId: notification.contact_id,
          purpose,
          status: 'opted_out',
          source: 'sms_21610',
          details: { notification_id: notification.id },
          at: deps.clock.now(),
        });
      }
    }
    await deps.businessEvents.record(
      tx,
      {
        accountId: notification.account_id,
        name: 'notification.failed',
        data: {
          notification_id: notification.id,
          contact_id: notification.contact_id,
          event_id: notification.event_id,
          assignment_id: notification.assignment_id,
          kind: notification.kind,
          channel: 'sms',
          error_code: code,
          reason,
        },
      },
      `notification:${notification.id}:failed`,
    );
    tx.afterCommit(() => publish(failed));
    return true;
  }

  /** Moves a notification by a status the gateway reported; false when it is not newer than its own. */
  async function applyTo(tx: TxContext, notification: FailedNotification, update: SmsStatusUpdate) {
    if (update.status === 'failed') {
      const code = update.errorCode ?? 'undelivered';
      const reason = explainSmsError(code, update.providerReason);
      return fail(tx, notification, ['queued', 'sent'], code, reason);
    }
    const changed = await tx.trx
      .updateTable('notifications')
      .set(
        update.status === 'delivered'
          ? { status: 'delivered', delivered_at: deps.clock.now(), updated_at: sql`now()` }
          : { status: 'sent', updated_at: sql`now()` },
      )
      .where('account_id', '=', notification.account_id)
      .where('id', '=', notification.id)
      .where('status', 'in', update.status === 'delivered' ? ['queued', 'sent'] : ['queued'])
      .returning(['id', 'account_id', 'status'])
      .executeTakeFirst();
    if (!changed) return false;
    tx.afterCommit(() => publish(changed));
    return true;
  }

  return {
    /**
     * The gateway took the SMS: `sent`, with its id for the status callbacks to find; callbacks that
     * came first (kept pending) are applied now, in order, so the notification ends where they say.
     */
    async markSent(notification: Pick<Notification, 'id'>, provider: SmsProviderName, providerId: string) {
      return inTransaction(deps.db, async (tx) => {
        await lockProviderId(tx, provider, providerId);
        const sent = await tx.trx
          .updateTable('notifications')
          .set({
            status: 'sent',
            sent_at: deps.clock.now(),
            sms_provider: provider,
            sms_provider_id: providerId,
            updated_at: sql`now()`,
          })
          .where('id', '=', notification.id)
          .where('status', '=', 'queued')
          .returning(['id', 'account_id', 'contact_id', 'event_id', 'assignment_id', 'kind', 'status'])
          .executeTakeFirst();
        if (!sent) return false;
        tx.afterCommit(() => publish(sent));
        for (const update of await smsPendingStatuses.take(tx.trx, sent.account_id, provider, providerId)) {
          await applyTo(tx, sent, update);
        }
        return true;
      });
    },

    /** The SMS could not go out (permanent error, or temporary ones until the last attempt). */
    markFailed(notification: FailedNotification, code: string, reason = explainSmsError(code)) {
      return inTransaction(deps.db, (tx) => fail(tx, notification, ['queued'], code, reason));
    },

    /**
     * A status the gateway reported for one of this account's SMS. One for an id not stored yet (the
     * gateway answered our send and called back before we recorded its id) is kept `pending` for markSent.
     */
    async apply(accountId: number, update: SmsStatusUpdate): Promise<'applied' | 'unchanged' | 'pending'> {
      return inTransaction(deps.db, async (tx) => {
        await lockProviderId(tx, update.provider, update.providerId);
        const notification = await tx.trx
          .selectFrom('notifications')
          .select(['id', 'account_id', 'contact_id', 'event_id', 'assignment_id', 'kind', 'status'])
          .where('account_id', '=', accountId)
          .where('sms_provider', '=', update.provider)
          .where('sms_provider_id', '=', update.providerId)
          .forUpdate()
          .executeTakeFirst();
        if (!notification) {
          await smsPendingStatuses.add(tx.trx, accountId, update);
          return 'pending';
        }
        return (await applyTo(tx, notification, update)) ? 'applied' : 'unchanged';
      });
    },
  };
}

/**
 * The callback and the send's UPDATE take the same lock on the gateway's id, so a callback either sees
 * the stored id or leaves its status pending before markSent looks for pending ones — never neither.
 */
async function lockProviderId(tx: TxContext, provider: SmsProviderName, providerId: string) {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`sms:${provider}:${providerId}`}))`.execute(tx.trx);
}

export type SmsStatusService = ReturnType<typeof createSmsStatusService>;
