import { sql } from 'kysely';
import type { Db } from '../../db/client.js';
import type { SmsProviderName } from '../../db/schema.js';

/** An account's SMS gateway row (credentials sealed). */
export const smsSettingsRepo = {
  find(db: Db, accountId: number) {
    return db.selectFrom('sms_settings').selectAll().where('account_id', '=', accountId).executeTakeFirst();
  },

  async save(
    db: Db,
    values: { accountId: number; provider: SmsProviderName; sender: string | null; credentials: string | null },
  ) {
    const row = { provider: values.provider, sender: values.sender, credentials: values.credentials };
    await db
      .insertInto('sms_settings')
      .values({ account_id: values.accountId, ...row })
      .onConflict((conflict) => conflict.column('account_id').doUpdateSet({ ...row, updated_at: sql`now()` }))
      .execute();
  },
};
