import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.js';

type Executor = Kysely<Database>;

const COLUMNS = ['id', 'name', 'created_at', 'updated_at'] as const;

/** A service type named (case-insensitive) or numbered `nameOrId` in the account; null when there is none. */
export async function findServiceTypeByNameOrId(db: Executor, accountId: number, nameOrId: string | number) {
  const asId = typeof nameOrId === 'number' ? nameOrId : /^\d{1,15}$/.test(nameOrId.trim()) ? Number(nameOrId) : null;
  const query = db.selectFrom('service_types').select(COLUMNS).where('account_id', '=', accountId);
  const row = await (asId === null
    ? query.where(sql`lower(name)`, '=', String(nameOrId).trim().toLowerCase())
    : query.where('id', '=', asId)
  ).executeTakeFirst();
  return row ?? null;
}

export const serviceTypesRepo = {
  list(db: Executor, accountId: number) {
    return db
      .selectFrom('service_types')
      .select(COLUMNS)
      .where('account_id', '=', accountId)
      .orderBy(sql`lower(name)`)
      .orderBy('id')
      .execute();
  },

  /** Locks the row: staffing and assignments take a key-share lock on it, so a delete check cannot race them. */
  lock(db: Executor, accountId: number, id: number) {
    return db
      .selectFrom('service_types')
      .select(COLUMNS)
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
  },

  findByName(db: Executor, accountId: number, name: string) {
    return db
      .selectFrom('service_types')
      .select(COLUMNS)
      .where('account_id', '=', accountId)
      .where(sql`lower(name)`, '=', name.toLowerCase())
      .executeTakeFirst();
  },

  insert(db: Executor, accountId: number, name: string) {
    return db
      .insertInto('service_types')
      .values({ account_id: accountId, name })
      .returning(COLUMNS)
      .executeTakeFirstOrThrow();
  },

  rename(db: Executor, accountId: number, id: number, name: string) {
    return db
      .updateTable('service_types')
      .set({ name, updated_at: sql`now()` })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .returning(COLUMNS)
      .executeTakeFirstOrThrow();
  },

  /** Whether an event's staffing or an assignment uses it (both keep it from being deleted). */
  async inUse(db: Executor, accountId: number, id: number): Promise<boolean> {
    const row = await db
      .selectNoFrom((eb) => [
        eb
          .or([
            eb.exists(
              eb
                .selectFrom('event_staffing')
                .select(sql`1`.as('one'))
                .where('account_id', '=', accountId)
                .where('service_type_id', '=', id),
            ),
            eb.exists(
              eb
                .selectFrom('assignments')
                .select(sql`1`.as('one'))
                .where('account_id', '=', accountId)
                .where('service_type_id', '=', id),
            ),
          ])
          .as('used'),
      ])
      .executeTakeFirstOrThrow();
    return Boolean(row.used);
  },

  async delete(db: Executor, accountId: number, id: number) {
    await db.deleteFrom('service_types').where('account_id', '=', accountId).where('id', '=', id).execute();
  },
};

export type ServiceType = Awaited<ReturnType<typeof serviceTypesRepo.insert>>;
