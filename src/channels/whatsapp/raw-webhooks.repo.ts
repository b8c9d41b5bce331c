import { type Kysely, sql } from 'kysely';
import type { Db } from '../../db/client.js';
import type { Database } from '../../db/schema.js';

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
   * Stores bodies once each (unique on their SHA-256), in one statement. Returns one result per input, in
   * order: a body stored earlier (or twice in this call) gets the first row's id with `created: false`.
   */
  async storeMany(db: Kysely<Database>, values: NewRawWebhook[]): Promise<Array<{ id: number; created: boolean }>> {
    if (values.length === 0) return [];
    const inserted = await db
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
      .returning(['id', 'body_sha256'])
      .execute();
    const created = new Map(inserted.map((row) => [row.body_sha256, row.id]));
    const missing = values.map((value) => value.sha256).filter((sha256) => !created.has(sha256));
    const existing = new Map(
      missing.length === 0
        ? []
        : (
            await db
              .selectFrom('raw_webhooks')
              .select(['id', 'body_sha256'])
              .where('body_sha256', 'in', [...new Set(missing)])
              .execute()
          ).map((row) => [row.body_sha256, row.id]),
    );
    const reported = new Set<string>();
    return values.map((value) => {
      const id = created.get(value.sha256);
      if (id !== undefined && !reported.has(value.sha256)) {
        reported.add(value.sha256);
        return { id, created: true };
      }
      const first = id ?? existing.get(value.sha256);
      if (first === undefined) throw new Error(`Raw webhook ${value.sha256} vanished while storing it`);
      return { id: first, created: false };
    });
  },

  async find(db: Db, id: number) {
    return db.selectFrom('raw_webhooks').selectAll().where('id', '=', id).executeTakeFirst();
  },

  async findMany(db: Kysely<Database>, ids: number[]) {
    if (ids.length === 0) return [];
    return db.selectFrom('raw_webhooks').selectAll().where('id', 'in', ids).orderBy('id').execute();
  },

  /** Those of `ids` not processed yet, in id order. */
  async unprocessed(db: Kysely<Database>, ids: number[]): Promise<number[]> {
    if (ids.length === 0) return [];
    const rows = await db
      .selectFrom('raw_webhooks')
      .select('id')
      .where('id', 'in', ids)
      .where('processed_at', 'is', null)
      .orderBy('id')
      .execute();
    return rows.map((row) => row.id);
  },

  async markProcessed(db: Kysely<Database>, ids: number[], error: string | null): Promise<void> {
    if (ids.length === 0) return;
    await db.updateTable('raw_webhooks').set({ processed_at: sql`now()`, error }).where('id', 'in', ids).execute();
  },
};
