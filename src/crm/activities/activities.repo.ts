import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import type { ActivityKind, Database } from '../../db/schema.js';

type Executor = Kysely<Database>;

export interface ActivityView {
  id: number;
  kind: ActivityKind;
  title: string;
  notes: string;
  due_at: Date | null;
  done_at: Date | null;
  assignee_id: number | null;
  assignee_name: string | null;
  contact_id: number | null;
  deal_id: number | null;
  event_id: number | null;
  created_by: number | null;
  created_at: Date;
  updated_at: Date;
}

export interface ActivityValues {
  kind: ActivityKind;
  title: string;
  notes: string;
  due_at: Date | null;
  done_at: Date | null;
  assignee_id: number | null;
  contact_id: number | null;
  deal_id: number | null;
  event_id: number | null;
}

export interface ActivityFilter {
  assigneeId?: number | undefined;
  dueBefore?: Date | undefined;
  done?: boolean | undefined;
  contactId?: number | undefined;
  dealId?: number | undefined;
  eventId?: number | undefined;
}

function viewQuery(db: Executor, accountId: number) {
  return db
    .selectFrom('activities')
    .leftJoin('users', 'users.id', 'activities.assignee_id')
    .selectAll('activities')
    .select('users.name as assignee_name')
    .where('activities.account_id', '=', accountId);
}

function filtered(eb: ExpressionBuilder<Database, 'activities'>, filter: ActivityFilter) {
  const conditions = [];
  if (filter.assigneeId !== undefined) conditions.push(eb('activities.assignee_id', '=', filter.assigneeId));
  if (filter.dueBefore !== undefined) conditions.push(eb('activities.due_at', '<', filter.dueBefore));
  if (filter.done !== undefined) conditions.push(eb('activities.done_at', filter.done ? 'is not' : 'is', null));
  if (filter.contactId !== undefined) conditions.push(eb('activities.contact_id', '=', filter.contactId));
  if (filter.dealId !== undefined) conditions.push(eb('activities.deal_id', '=', filter.dealId));
  if (filter.eventId !== undefined) conditions.push(eb('activities.event_id', '=', filter.eventId));
  return eb.and(conditions);
}

/** Activities: calls, meetings, tasks and WhatsApp follow-ups the team has to do. */
export const activitiesRepo = {
  find(db: Executor, accountId: number, id: number): Promise<ActivityView | undefined> {
    return viewQuery(db, accountId).where('activities.id', '=', id).executeTakeFirst();
  },

  lock(db: Executor, accountId: number, id: number) {
    return db
      .selectFrom('activities')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
  },

  /** Soonest due first (undated last): the order of a to-do list. */
  async page(db: Executor, accountId: number, filter: ActivityFilter, page: number, perPage: number) {
    const [rows, total] = await Promise.all([
      viewQuery(db, accountId)
        .where((eb) => filtered(eb, filter))
        .orderBy(sql`activities.due_at ASC NULLS LAST`)
        .orderBy('activities.id')
        .limit(perPage)
        .offset((page - 1) * perPage)
        .execute(),
      db
        .selectFrom('activities')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('account_id', '=', accountId)
        .where((eb) => filtered(eb, filter))
        .executeTakeFirstOrThrow(),
    ]);
    return { rows, count: Number(total.n) };
  },

  insert(db: Executor, accountId: number, values: ActivityValues & { created_by: number }) {
    return db
      .insertInto('activities')
      .values({ account_id: accountId, ...values })
      .returning('id')
      .executeTakeFirstOrThrow();
  },

  async update(db: Executor, accountId: number, id: number, values: Partial<ActivityValues>): Promise<void> {
    await db
      .updateTable('activities')
      .set({ ...values, updated_at: sql`now()` })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .execute();
  },

  async delete(db: Executor, accountId: number, id: number): Promise<void> {
    await db.deleteFrom('activities').where('account_id', '=', accountId).where('id', '=', id).execute();
  },
};
