import { type Kysely, type Selectable, sql } from 'kysely';
import type { AutomationRule, AutomationRunsTable, Database } from '../../db/schema.js';
import type { RuleInput } from './rule-schemas.js';

type Executor = Kysely<Database>;
export type AutomationRun = Selectable<AutomationRunsTable>;

export interface NewRun {
  accountId: number;
  ruleId: number;
  eventName: string;
  status: AutomationRun['status'];
  /** What triggered it; `trigger` identifies the business event, so a retried job does not run twice. */
  context: Record<string, unknown>;
  actions: unknown[];
  error: string | null;
}

const values = (input: RuleInput) => ({
  name: input.name,
  description: input.description,
  event_name: input.event_name,
  active: input.active,
  conditions: JSON.stringify(input.conditions),
  actions: JSON.stringify(input.actions),
});

/** Automation rules and their execution log; every query scoped by account. */
export const automationRulesRepo = {
  list(db: Executor, accountId: number): Promise<AutomationRule[]> {
    return db.selectFrom('automation_rules').selectAll().where('account_id', '=', accountId).orderBy('id').execute();
  },

  find(db: Executor, accountId: number, id: number): Promise<AutomationRule | undefined> {
    return db
      .selectFrom('automation_rules')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
  },

  insert(db: Executor, accountId: number, input: RuleInput): Promise<AutomationRule> {
    return db
      .insertInto('automation_rules')
      .values({ account_id: accountId, ...values(input) })
      .returningAll()
      .executeTakeFirstOrThrow();
  },

  update(db: Executor, accountId: number, id: number, input: RuleInput): Promise<AutomationRule | undefined> {
    return db
      .updateTable('automation_rules')
      .set({ ...values(input), updated_at: new Date() })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  },

  async remove(db: Executor, accountId: number, id: number): Promise<boolean> {
    const deleted = await db
      .deleteFrom('automation_rules')
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(deleted.numDeletedRows) > 0;
  },

  async activeEventNames(db: Executor, accountId: number): Promise<string[]> {
    const rows = await db
      .selectFrom('automation_rules')
      .select('event_name')
      .distinct()
      .where('account_id', '=', accountId)
      .where('active', '=', true)
      .execute();
    return rows.map((row) => row.event_name);
  },

  /** Active rules for these events, oldest first (the order they run in). */
  activeFor(db: Executor, accountId: number, eventNames: readonly string[]): Promise<AutomationRule[]> {
    if (eventNames.length === 0) return Promise.resolve([]);
    return db
      .selectFrom('automation_rules')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('active', '=', true)
      .where('event_name', 'in', eventNames)
      .orderBy('id')
      .execute();
  },

  /**
   * Claims a rule's run for one triggering event: inserted (returned) only if none exists yet, so a
   * retried or duplicated job finds it and does nothing — a rule acts at most once per event.
   */
  async claimRun(db: Executor, run: NewRun): Promise<AutomationRun | undefined> {
    return db
      .insertInto('automation_runs')
      .values({
        account_id: run.accountId,
        rule_id: run.ruleId,
        event_name: run.eventName,
        status: run.status,
        context: JSON.stringify(run.context),
        actions: JSON.stringify(run.actions),
        error: run.error,
      })
      .onConflict((conflict) => conflict.expression(sql`rule_id, (context ->> 'trigger')`).doNothing())
      .returningAll()
      .executeTakeFirst();
  },

  /** What a claimed run did, once its actions are over. */
  async finishRun(
    db: Executor,
    id: number,
    outcome: { status: 'success' | 'error'; actions: unknown[]; error: string | null },
  ): Promise<void> {
    await db
      .updateTable('automation_runs')
      .set({ status: outcome.status, actions: JSON.stringify(outcome.actions), error: outcome.error })
      .where('id', '=', id)
      .execute();
  },

  async runs(db: Executor, accountId: number, ruleId: number, page: number, perPage: number) {
    const [rows, total] = await Promise.all([
      db
        .selectFrom('automation_runs')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('rule_id', '=', ruleId)
        .orderBy('id', 'desc')
        .limit(perPage)
        .offset((page - 1) * perPage)
        .execute(),
      db
        .selectFrom('automation_runs')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('account_id', '=', accountId)
        .where('rule_id', '=', ruleId)
        .executeTakeFirstOrThrow(),
    ]);
    return { rows, count: Number(total.n) };
  },
};
