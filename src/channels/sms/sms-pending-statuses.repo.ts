import { type Kysely, sql } from 'kysely';
import type { Database, SmsProviderName } from '../../db/schema.js';
import type { SmsStatusUpdate } from './sms-provider.js';

const RANK: Record<SmsStatusUpdate['status'], number> = { sent: 1, delivered: 2, failed: 3 };

/**
 * A callback waits seconds for its id in the race it is kept for; one still waiting after this long is for
 * an SMS this account never recorded (sent by another system with the same credentials) and is dropped.
 */
export const SMS_PENDING_RETENTION_DAYS = 2;

/** SMS status callbacks kept until the send stores the gateway's id they refer to. */
export const smsPendingStatuses = {
  /** Keeps a callback, and drops the account's ones that waited past SMS_PENDING_RETENTION_DAYS. */
  async add(db: Kysely<Database>, accountId: number, update: SmsStatusUpdate): Promise<void> {
    await db
      .deleteFrom('sms_pending_statuses')
      .where('account_id', '=', accountId)
      .where('received_at', '<', sql<Date>`now() - make_interval(days => ${SMS_PENDING_RETENTION_DAYS})`)
      .execute();
    await db
      .insertInto('sms_pending_statuses')
      .values({
        account_id: accountId,
        provider: update.provider,
        provider_id: update.providerId,
        status: update.status,
        error_code: update.errorCode ?? null,
        provider_reason: update.providerReason ?? null,
      })
      .execute();
  },

  /** Removes and returns the statuses kept for one SMS, oldest status first (sent, delivered, failed). */
  async take(
    db: Kysely<Database>,
    accountId: number,
    provider: SmsProviderName,
    providerId: string,
  ): Promise<SmsStatusUpdate[]> {
    const rows = await db
      .deleteFrom('sms_pending_statuses')
      .where('account_id', '=', accountId)
      .where('provider', '=', provider)
      .where('provider_id', '=', providerId)
      .returningAll()
      .execute();
    return rows
      .map((row) => ({
        provider: row.provider,
        providerId: row.provider_id,
        status: row.status,
        errorCode: row.error_code,
        providerReason: row.provider_reason,
      }))
      .sort((a, b) => RANK[a.status] - RANK[b.status]);
  },
};
