import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database, PipelineStagesTable } from '../../db/schema.js';

type Executor = Kysely<Database>;
export type Stage = Selectable<PipelineStagesTable>;

export interface StageValues {
  name: string;
  position: number;
  probability: number;
  is_won: boolean;
  is_lost: boolean;
}

/** The pipeline a new account starts with (DEFAULT_STAGES) and the queries on its stages. */
export const DEFAULT_STAGES: readonly StageValues[] = [
  { name: 'Novo', position: 1, probability: 10, is_won: false, is_lost: false },
  { name: 'Qualificado', position: 2, probability: 25, is_won: false, is_lost: false },
  { name: 'Proposta', position: 3, probability: 50, is_won: false, is_lost: false },
  { name: 'Negociação', position: 4, probability: 75, is_won: false, is_lost: false },
  { name: 'Ganho', position: 5, probability: 100, is_won: true, is_lost: false },
  { name: 'Perdido', position: 6, probability: 0, is_won: false, is_lost: true },
];

export const stagesRepo = {
  list(db: Executor, accountId: number): Promise<Stage[]> {
    return db
      .selectFrom('pipeline_stages')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('position')
      .orderBy('id')
      .execute();
  },

  find(db: Executor, accountId: number, id: number): Promise<Stage | undefined> {
    return db
      .selectFrom('pipeline_stages')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
  },

  /** Locks the stage against deletion while a deal is put in it (a deal's foreign key needs it to stay). */
  findForDeal(db: Executor, accountId: number, id: number): Promise<Stage | undefined> {
    return db
      .selectFrom('pipeline_stages')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .forKeyShare()
      .executeTakeFirst();
  },

  lock(db: Executor, accountId: number, id: number): Promise<Stage | undefined> {
    return db
      .selectFrom('pipeline_stages')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
  },

  async hasAny(db: Executor, accountId: number): Promise<boolean> {
    const row = await db
      .selectFrom('pipeline_stages')
      .select('id')
      .where('account_id', '=', accountId)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  },

  async nextPosition(db: Executor, accountId: number): Promise<number> {
    const row = await db
      .selectFrom('pipeline_stages')
      .select((eb) => eb.fn.max('position').as('max'))
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    return Number(row?.max ?? 0) + 1;
  },

  insert(db: Executor, accountId: number, values: StageValues): Promise<Stage> {
    return db
      .insertInto('pipeline_stages')
      .values({ account_id: accountId, ...values })
      .returningAll()
      .executeTakeFirstOrThrow();
  },

  update(db: Executor, accountId: number, id: number, values: Partial<StageValues>): Promise<Stage | undefined> {
    return db
      .updateTable('pipeline_stages')
      .set({ ...values, updated_at: sql`now()` })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  },

  async delete(db: Executor, accountId: number, id: number): Promise<void> {
    await db.deleteFrom('pipeline_stages').where('account_id', '=', accountId).where('id', '=', id).execute();
  },

  async countDeals(db: Executor, accountId: number, stageId: number): Promise<number> {
    const row = await db
      .selectFrom('deals')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', accountId)
      .where('stage_id', '=', stageId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  },

  async count(db: Executor, accountId: number): Promise<number> {
    const row = await db
      .selectFrom('pipeline_stages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', accountId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  },

  /** Serialises writers that must see a consistent set of the account's stages (seeding, deleting). */
  async lockAccountPipeline(db: Executor, accountId: number): Promise<void> {
    await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`pipeline:${accountId}`}, 0))`.execute(db);
  },
};
