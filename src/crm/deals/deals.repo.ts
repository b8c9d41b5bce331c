import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import type { Database, DealStatus } from '../../db/schema.js';

type Executor = Kysely<Database>;

/** A deal as the API shows it: its contact, owner and conversation (display id) joined in. */
export interface DealView {
  id: number;
  title: string;
  contact_id: number;
  contact_name: string;
  contact_phone_number: string | null;
  stage_id: number;
  value_cents: number | null;
  expected_close_on: string | null;
  owner_id: number | null;
  owner_name: string | null;
  conversation_id: number | null;
  conversation_display_id: number | null;
  event_id: number | null;
  status: DealStatus;
  lost_reason: string | null;
  closed_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface DealFilter {
  stageId?: number | undefined;
  ownerId?: number | undefined;
  contactId?: number | undefined;
  status?: DealStatus | undefined;
}

export interface DealValues {
  title: string;
  contact_id: number;
  stage_id: number;
  value_cents: number | null;
  expected_close_on: string | null;
  owner_id: number | null;
  conversation_id: number | null;
  event_id: number | null;
  status: DealStatus;
  lost_reason: string | null;
  closed_at: Date | null;
}

function viewQuery(db: Executor, accountId: number) {
  return db
    .selectFrom('deals')
    .innerJoin('contacts', 'contacts.id', 'deals.contact_id')
    .leftJoin('users', 'users.id', 'deals.owner_id')
    .leftJoin('conversations', 'conversations.id', 'deals.conversation_id')
    .select([
      'deals.id',
      'deals.title',
      'deals.contact_id',
      'contacts.name as contact_name',
      'contacts.phone_number as contact_phone_number',
      'deals.stage_id',
      'deals.value_cents',
      // A date column read as text: no time zone can shift the day.
      sql<string | null>`deals.expected_close_on::text`.as('expected_close_on'),
      'deals.owner_id',
      'users.name as owner_name',
      'deals.conversation_id',
      'conversations.display_id as conversation_display_id',
      'deals.event_id',
      'deals.status',
      'deals.lost_reason',
      'deals.closed_at',
      'deals.created_at',
      'deals.updated_at',
    ])
    .where('deals.account_id', '=', accountId);
}

function filtered(eb: ExpressionBuilder<Database, 'deals'>, filter: DealFilter) {
  const conditions = [];
  if (filter.stageId !== undefined) conditions.push(eb('deals.stage_id', '=', filter.stageId));
  if (filter.ownerId !== undefined) conditions.push(eb('deals.owner_id', '=', filter.ownerId));
  if (filter.contactId !== undefined) conditions.push(eb('deals.contact_id', '=', filter.contactId));
  if (filter.status !== undefined) conditions.push(eb('deals.status', '=', filter.status));
  return eb.and(conditions);
}

export const dealsRepo = {
  find(db: Executor, accountId: number, id: number): Promise<DealView | undefined> {
    return viewQuery(db, accountId).where('deals.id', '=', id).executeTakeFirst();
  },

  /** The deal's own row, locked for a change (its stage moves are recorded in order). */
  lock(db: Executor, accountId: number, id: number): Promise<(DealValues & { id: number }) | undefined> {
    return db
      .selectFrom('deals')
      .select([
        'id',
        'title',
        'contact_id',
        'stage_id',
        'value_cents',
        sql<string | null>`expected_close_on::text`.as('expected_close_on'),
        'owner_id',
        'conversation_id',
        'event_id',
        'status',
        'lost_reason',
        'closed_at',
      ])
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
  },

  async page(db: Executor, accountId: number, filter: DealFilter, page: number, perPage: number) {
    const [rows, total] = await Promise.all([
      viewQuery(db, accountId)
        .where((eb) => filtered(eb, filter))
        .orderBy('deals.updated_at', 'desc')
        .orderBy('deals.id', 'desc')
        .limit(perPage)
        .offset((page - 1) * perPage)
        .execute(),
      db
        .selectFrom('deals')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('account_id', '=', accountId)
        .where((eb) => filtered(eb, filter))
        .executeTakeFirstOrThrow(),
    ]);
    return { rows, count: Number(total.n) };
  },

  /** Per stage: how many deals and the sum of their values (the kanban's column headers). */
  totalsByStage(db: Executor, accountId: number, filter: DealFilter) {
    return db
      .selectFrom('deals')
      .select((eb) => [
        'stage_id',
        eb.fn.countAll<number>().as('count'),
        sql<number>`coalesce(sum(value_cents), 0)`.as('value_cents'),
      ])
      .where('account_id', '=', accountId)
      .where((eb) => filtered(eb, filter))
      .groupBy('stage_id')
      .execute();
  },

  /** The most recently moved deals of each stage, at most `perStage` each (a column never loads everything). */
  async boardDeals(db: Executor, accountId: number, filter: DealFilter, perStage: number): Promise<DealView[]> {
    const ranked = await db
      .selectFrom('deals')
      .select([
        'id',
        sql<number>`row_number() OVER (PARTITION BY stage_id ORDER BY updated_at DESC, id DESC)`.as('rank'),
      ])
      .where('account_id', '=', accountId)
      .where((eb) => filtered(eb, filter))
      .as('ranked');
    const ids = await db.selectFrom(ranked).select('ranked.id').where('ranked.rank', '<=', perStage).execute();
    if (ids.length === 0) return [];
    return viewQuery(db, accountId)
      .where(
        'deals.id',
        'in',
        ids.map((row) => row.id),
      )
      .orderBy('deals.updated_at', 'desc')
      .orderBy('deals.id', 'desc')
      .execute();
  },

  insert(db: Executor, accountId: number, values: DealValues) {
    return db
      .insertInto('deals')
      .values({ account_id: accountId, ...values })
      .returning('id')
      .executeTakeFirstOrThrow();
  },

  async update(db: Executor, accountId: number, id: number, values: DealValues): Promise<void> {
    const { title, contact_id, stage_id, value_cents, expected_close_on, owner_id } = values;
    const { conversation_id, event_id, status, lost_reason, closed_at } = values;
    await db
      .updateTable('deals')
      .set({
        ...{ title, contact_id, stage_id, value_cents, expected_close_on, owner_id },
        ...{ conversation_id, event_id, status, lost_reason, closed_at },
        updated_at: sql`now()`,
      })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .execute();
  },

  async delete(db: Executor, accountId: number, id: number): Promise<void> {
    await db.deleteFrom('deals').where('account_id', '=', accountId).where('id', '=', id).execute();
  },

  async recordStageChange(
    db: Executor,
    change: { accountId: number; dealId: number; fromStageId: number | null; toStageId: number; userId: number },
  ): Promise<void> {
    await db
      .insertInto('deal_stage_changes')
      .values({
        account_id: change.accountId,
        deal_id: change.dealId,
        from_stage_id: change.fromStageId,
        to_stage_id: change.toStageId,
        user_id: change.userId,
        // The moment of the move, not of the transaction's start: a move that waited for the deal's lock
        // behind another one must come after it.
        created_at: sql`clock_timestamp()`,
      })
      .execute();
  },

  stageChanges(db: Executor, accountId: number, dealId: number) {
    return (
      db
        .selectFrom('deal_stage_changes')
        .select(['id', 'from_stage_id', 'to_stage_id', 'user_id', 'created_at'])
        .where('account_id', '=', accountId)
        .where('deal_id', '=', dealId)
        // Moves of one deal are serialised by its row lock, so ids follow their order.
        .orderBy('id')
        .execute()
    );
  },
};
