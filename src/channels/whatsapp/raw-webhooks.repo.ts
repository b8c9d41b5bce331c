import { type Kysely, type QueryCreator, sql } from 'kysely';
import type { Database } from '../../db/schema.js';
import { anyOf, type ColumnSource, unnestRows } from '../../db/sql-arrays.js';

export interface NewRawWebhook {
  provider: string;
  sha256: string;
  body: string;
  inboxId: number | null;
  accountId: number | null;
  unroutable: boolean;
}

const rawWebhookColumns = {
  provider: ['text', (value: NewRawWebhook) => value.provider],
  body_sha256: ['text', (value: NewRawWebhook) => value.sha256],
  body: ['text', (value: NewRawWebhook) => value.body],
  inbox_id: ['bigint', (value: NewRawWebhook) => value.inboxId],
  account_id: ['bigint', (value: NewRawWebhook) => value.accountId],
  unroutable: ['boolean', (value: NewRawWebhook) => value.unroutable],
} satisfies Record<string, ColumnSource<NewRawWebhook>>;

export const rawWebhooksRepo = {
  /**
   * The statement that stores bodies once each (unique on their SHA-256; a body stored before, or twice
   * in `values`, is left out), returning the new rows: for a CTE, so their jobs go in the same statement.
   */
  insertNew(db: QueryCreator<Database>, values: NewRawWebhook[]) {
    const { columns, select } = unnestRows(rawWebhookColumns, values);
    return db
      .insertInto('raw_webhooks')
      .columns(columns)
      .expression(select)
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
