import { type Selectable, sql } from 'kysely';
import type { Db } from '../db/client.js';
import type { CannedResponsesTable } from '../db/schema.js';

export type CannedResponse = Selectable<CannedResponsesTable>;

export interface CannedResponseValues {
  short_code?: string | undefined;
  content?: string | undefined;
}

export function createCannedResponsesRepo(db: Db) {
  return {
    /** Like Chatwoot: matches in short_code or content, short codes starting with the search first. */
    async list(accountId: number, search?: string): Promise<CannedResponse[]> {
      let query = db.selectFrom('canned_responses').selectAll().where('account_id', '=', accountId);
      const needle = search?.trim().toLowerCase();
      if (needle) {
        // strpos, not LIKE: the search is text, so % and _ in it mean themselves.
        query = query
          .where((eb) =>
            eb.or([
              eb(sql`strpos(lower(short_code), ${needle})`, '>', 0),
              eb(sql`strpos(lower(content), ${needle})`, '>', 0),
            ]),
          )
          .orderBy(sql`strpos(lower(short_code), ${needle}) = 1`, 'desc');
      }
      return query.orderBy('short_code').orderBy('id').execute();
    },

    async find(accountId: number, id: number): Promise<CannedResponse | undefined> {
      return db
        .selectFrom('canned_responses')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .executeTakeFirst();
    },

    async create(accountId: number, values: { short_code: string; content: string }): Promise<CannedResponse> {
      return db
        .insertInto('canned_responses')
        .values({ account_id: accountId, ...values })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    async update(accountId: number, id: number, values: CannedResponseValues): Promise<CannedResponse | undefined> {
      return db
        .updateTable('canned_responses')
        .set({ ...values, updated_at: sql`now()` })
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
    },

    async remove(accountId: number, id: number): Promise<boolean> {
      const result = await db
        .deleteFrom('canned_responses')
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numDeletedRows ?? 0) > 0;
    },
  };
}

export type CannedResponsesRepo = ReturnType<typeof createCannedResponsesRepo>;
