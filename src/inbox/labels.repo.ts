import { type Kysely, type Selectable, sql } from 'kysely';
import type { Db } from '../db/client.js';
import type { Database, LabelsTable } from '../db/schema.js';

export type Label = Selectable<LabelsTable>;

export interface LabelValues {
  title?: string | undefined;
  description?: string | undefined;
  color?: string | undefined;
  show_on_sidebar?: boolean | undefined;
}

/** Tables that carry label titles in a `labels text[]` column. */
const LABELLED_TABLES = ['conversations', 'contacts'] as const;

export function createLabelsRepo(db: Db) {
  return {
    async list(accountId: number): Promise<Label[]> {
      return db.selectFrom('labels').selectAll().where('account_id', '=', accountId).orderBy('title').execute();
    },

    async find(accountId: number, id: number, executor: Kysely<Database> = db): Promise<Label | undefined> {
      return executor
        .selectFrom('labels')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .executeTakeFirst();
    },

    async create(accountId: number, values: LabelValues & { title: string }): Promise<Label> {
      return db
        .insertInto('labels')
        .values({ account_id: accountId, ...values })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    async update(accountId: number, id: number, values: LabelValues, executor: Kysely<Database> = db) {
      return executor
        .updateTable('labels')
        .set({ ...values, updated_at: sql`now()` })
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
    },

    async remove(accountId: number, id: number, executor: Kysely<Database> = db): Promise<boolean> {
      const result = await executor
        .deleteFrom('labels')
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numDeletedRows ?? 0) > 0;
    },

    /** Renames a title wherever the account used it, in place, without duplicating one already there. */
    async renameInUses(accountId: number, from: string, to: string, executor: Kysely<Database>) {
      for (const table of LABELLED_TABLES) {
        await sql`
          UPDATE ${sql.table(table)}
          SET labels = CASE WHEN ${to}::text = ANY(labels) THEN array_remove(labels, ${from}::text)
                            ELSE array_replace(labels, ${from}::text, ${to}::text) END
          WHERE account_id = ${accountId} AND labels @> ARRAY[${from}::text]
        `.execute(executor);
      }
    },

    async removeFromUses(accountId: number, title: string, executor: Kysely<Database>) {
      for (const table of LABELLED_TABLES) {
        await sql`
          UPDATE ${sql.table(table)}
          SET labels = array_remove(labels, ${title}::text)
          WHERE account_id = ${accountId} AND labels @> ARRAY[${title}::text]
        `.execute(executor);
      }
    },
  };
}

export type LabelsRepo = ReturnType<typeof createLabelsRepo>;
