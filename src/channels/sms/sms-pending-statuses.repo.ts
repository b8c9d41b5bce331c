import type { Kysely } from 'kysely';
import type { Database, SmsProviderName } from '../../db/schema.js';
import type { SmsStatusUpdate } from './sms-provider.js';

const RANK: Record<SmsStatusUpdate['status'], number> = { sent: 1, delivered: 2, failed: 3 };

/** SMS status callbacks kept until the send stores the gateway's id they refer to. */
export const smsPendingStatuses = {
  async add(db: Kysely<Database>, accountId: number, update: SmsStatusUpdate): Promise<void> {
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
