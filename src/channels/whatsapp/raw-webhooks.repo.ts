import { type Kysely, type QueryCreator, sql } from 'kysely';
import type { Database } from '../../db/schema.js';
import { anyOf, mentionsAnyOf } from '../../db/sql-arrays.js';

export interface NewRawWebhook {
  provider: string;
  sha256: string;
  body: string;
  inboxId: number | null;
  accountId: number | null;
  unroutable: boolean;
}

export const rawWebhooksRepo = {
  /**
   * The statement that stores bodies once each (unique on their SHA-256; a body stored before, or twice
   * in `values`, is left out), returning the new rows: for a CTE, so their jobs go in the same statement.
   */
  insertNew(db: QueryCreator<Database>, values: NewRawWebhook[]) {
    // VALUES, not unnest: an array parameter would have pg escape every quote of every ~1 KB body in
    // JavaScript (two regex passes and copies each); a plain parameter goes as it is. A group commit is
    // usually a few dozen rows, which PostgreSQL plans quickly either way.
    return db
      .insertInto('raw_webhooks')
      .values(
        values.map((value) => ({
          provider: value.provider,
          body_sha256: value.sha256,
          body: value.body,
          inbox_id: value.inboxId,
          account_id: value.accountId,
          unroutable: value.unroutable,
        })),
      )
      .onConflict((conflict) => conflict.column('body_sha256').doNothing())
      .returning(['id', 'account_id', 'unroutable']);
  },

  /** What processing reads of stored webhooks. */
  async findMany(db: Kysely<Database>, ids: number[]) {
    if (ids.length === 0) return [];
    return db
      .selectFrom('raw_webhooks')
      .select(['id', 'body', 'inbox_id', 'received_at'])
      .where('id', '=', anyOf(ids, 'bigint'))
      .orderBy('id')
      .execute();
  },

  /** Those of `ids` not processed yet, in id order. */
  async unprocessed(db: Kysely<Database>, ids: number[]): Promise<number[]> {
    if (ids.length === 0) return [];
    const rows = await db
      .selectFrom('raw_webhooks')
      .select('id')
      .where('id', '=', anyOf(ids, 'bigint'))
      .where('processed_at', 'is', null)
      .orderBy('id')
      .execute();
    return rows.map((row) => row.id);
  },

  async markProcessed(db: Kysely<Database>, ids: number[], error: string | null): Promise<void> {
    if (ids.length === 0) return;
    await db
      .updateTable('raw_webhooks')
      .set({ processed_at: sql`now()`, error })
      .where('id', '=', anyOf(ids, 'bigint'))
      .execute();
  },
};

/** What an erased body is replaced with: its row and SHA-256 stay, so a late redelivery is still a duplicate. */
export const ERASED_BODY = '';

export const rawWebhookErasure = {
  /**
   * Erases the bodies of the account's processed webhooks that name one of `whatsAppIds` (a wa_id in either
   * 9th-digit form, a BSUID) as a JSON string: a deleted person's messages, statuses and profile. Other
   * people's messages in the same delivery go too; they were processed long before. Unprocessed webhooks
   * are kept: processing them is how a message that arrives after the deletion reaches the inbox.
   */
  async eraseMentioning(db: Kysely<Database>, accountId: number, whatsAppIds: string[]): Promise<number> {
    if (whatsAppIds.length === 0) return 0;
    const result = await db
      .updateTable('raw_webhooks')
      .set({ body: ERASED_BODY })
      .where('account_id', '=', accountId)
      .where('processed_at', 'is not', null)
      .where('body', '<>', ERASED_BODY)
      .where(mentionsAnyOf('body', whatsAppIds))
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  },

  /**
   * Deletes up to `limit` webhooks received before `before` that are done with: processed (or failed for
   * good), or unroutable (no inbox owned their number, nothing will process them). Oldest first.
   */
  async pruneBefore(db: Kysely<Database>, before: Date, limit: number): Promise<number> {
    const result = await db
      .deleteFrom('raw_webhooks')
      .where(
        'id',
        'in',
        db
          .selectFrom('raw_webhooks')
          .select('id')
          .where('received_at', '<', before)
          .where((eb) => eb.or([eb('processed_at', 'is not', null), eb('unroutable', '=', true)]))
          .orderBy('id')
          .limit(limit),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  },
};
