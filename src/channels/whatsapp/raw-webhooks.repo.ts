import { type Kysely, sql } from 'kysely';
import type { Db } from '../../db/client.js';
import type { Database } from '../../db/schema.js';

export const rawWebhooksRepo = {
  /** Stores a body once (unique on its SHA-256); a redelivery returns the first row with `created: false`. */
  async store(
    db: Kysely<Database>,
    values: {
      provider: string;
      sha256: string;
      body: string;
      inboxId: number | null;
      accountId: number | null;
      unroutable: boolean;
    },
  ): Promise<{ id: number; created: boolean }> {
    const inserted = await db
      .insertInto('raw_webhooks')
      .values({
        provider: values.provider,
        body_sha256: values.sha256,
        body: values.body,
        inbox_id: values.inboxId,
        account_id: values.accountId,
        unroutable: values.unroutable,
      })
      .onConflict((conflict) => conflict.column('body_sha256').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) return { id: inserted.id, created: true };
    const existing = await db
      .selectFrom('raw_webhooks')
      .select('id')
      .where('body_sha256', '=', values.sha256)
      .executeTakeFirstOrThrow();
    return { id: existing.id, created: false };
  },

  async find(db: Db, id: number) {
    return db.selectFrom('raw_webhooks').selectAll().where('id', '=', id).executeTakeFirst();
  },

  async markProcessed(db: Db, id: number, error: string | null): Promise<void> {
    await db.updateTable('raw_webhooks').set({ processed_at: sql`now()`, error }).where('id', '=', id).execute();
  },
};
