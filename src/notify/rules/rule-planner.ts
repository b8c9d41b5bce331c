import { sql } from 'kysely';
import type { BusinessEvent, BusinessEventListener } from '../../automation/business-events.js';
import type { Db } from '../../db/client.js';
import type { NotificationRule } from '../../db/schema.js';
import { inTransaction, type TxContext } from '../../db/transaction.js';
import type { Clock } from '../../shared/clock.js';
import type { Notifier } from '../notifier.js';
import { ensureDefaultRules } from './default-rules.js';
import { type RuleTrigger, TIMED_TRIGGERS, timedDueAt } from './rule-triggers.js';

type Trx = TxContext['trx'];

/** Business events the planner reacts to, and the rule trigger each fires (if any). */
const FIRES: Record<string, RuleTrigger | null> = {
  'event.created': 'event.created',
  'event.confirmed': 'event.confirmed',
  'event.rescheduled': 'event.rescheduled',
  'event.cancelled': 'event.cancelled',
  'assignment.created': null,
  'assignment.accepted': 'assignment.accepted',
  'assignment.declined': 'assignment.declined',
  'assignment.withdrawn': null,
  'offer.expired': 'offer.expired',
};

/** A timed reminder whose moment had already passed when it was planned is recorded, not sent. */
const PLANNING_GRACE_MS = 60_000;
const PLANNED_LATE = 'planned_late: o horário deste envio já tinha passado quando o evento foi marcado ou alterado';

interface EventRow {
  id: number;
  account_id: number;
  client_id: number;
  starts_at: Date;
  ends_at: Date;
  status: string;
}

interface Recipient {
  contactId: number;
  assignmentId: number | null;
}

/**
 * Turns notification rules into notifications: one per rule × event (or assignment) × recipient, keyed
 * deterministically so a retried job plans nothing twice. Moving an event moves its pending reminders;
 * cancelling it cancels them; a provider who joins later gets the provider reminders, one who leaves
 * loses them.
 */
export function createRulePlanner(deps: { db: Db; notifier: Notifier; clock: Clock }): BusinessEventListener {
  async function loadEvent(trx: Trx, accountId: number, id: number): Promise<EventRow | undefined> {
    return (
      trx
        .selectFrom('events')
        .select(['id', 'account_id', 'client_id', 'starts_at', 'ends_at', 'status'])
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        // Serialises planning per event (a created and a rescheduled job running at once), and reads the
        // event as the last committed change left it.
        .forUpdate()
        .executeTakeFirst()
    );
  }

  async function clientRecipient(trx: Trx, event: EventRow): Promise<Recipient[]> {
    const client = await trx
      .selectFrom('clients')
      .select('contact_id')
      .where('account_id', '=', event.account_id)
      .where('id', '=', event.client_id)
      .executeTakeFirst();
    return client ? [{ contactId: client.contact_id, assignmentId: null }] : [];
  }

  /** Providers holding a place (assigned or accepted), or only the one of `assignmentId`. */
  async function providerRecipients(trx: Trx, event: EventRow, assignmentId?: number): Promise<Recipient[]> {
    let query = trx
      .selectFrom('assignments')
      .innerJoin('providers', 'providers.id', 'assignments.provider_id')
      .select(['providers.contact_id', 'assignments.id'])
      .where('assignments.account_id', '=', event.account_id)
      .where('assignments.event_id', '=', event.id);
    query =
      assignmentId !== undefined
        ? query.where('assignments.id', '=', assignmentId)
        : query.where('assignments.status', 'in', ['assigned', 'accepted']);
    const rows = await query.execute();
    return rows.map((row) => ({ contactId: row.contact_id, assignmentId: row.id }));
  }

  async function recipients(trx: Trx, rule: NotificationRule, event: EventRow, assignmentId?: number) {
    const list: Recipient[] = [];
    if (rule.audience !== 'providers') list.push(...(await clientRecipient(trx, event)));
    if (rule.audience !== 'client') list.push(...(await providerRecipients(trx, event, assignmentId)));
    return list;
  }

  async function activeRules(trx: Trx, accountId: number, triggers: readonly RuleTrigger[]) {
    if (triggers.length === 0) return [];
    return (
      trx
        .selectFrom('notification_rules')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('active', '=', true)
        .where('trigger', 'in', triggers)
        .orderBy('id')
        // A rule being switched off or deleted waits for this planning (see rules.service).
        .forShare()
        .execute()
    );
  }

  async function plan(
    tx: TxContext,
    rule: NotificationRule,
    event: EventRow,
    recipient: Recipient,
    key: string,
    dueAt: Date,
  ) {
    const now = deps.clock.now();
    const input = {
      key,
      kind: 'rule' as const,
      contactId: recipient.contactId,
      dueAt,
      essential: rule.essential,
      templateId: rule.template_id,
      ruleId: rule.id,
      eventId: event.id,
      assignmentId: recipient.assignmentId,
    };
    if (dueAt.getTime() < now.getTime() - PLANNING_GRACE_MS) {
      // Recorded as skipped so the list explains why this person got no reminder.
      await tx.trx
        .insertInto('notifications')
        .values({
          account_id: event.account_id,
          key,
          kind: 'rule',
          rule_id: rule.id,
          template_id: rule.template_id,
          event_id: event.id,
          assignment_id: recipient.assignmentId,
          contact_id: recipient.contactId,
          essential: rule.essential,
          status: 'skipped',
          due_at: dueAt,
          reason: PLANNED_LATE,
        })
        .onConflict((conflict) => conflict.columns(['account_id', 'key']).doNothing())
        .execute();
      return;
    }
    const template = rule.template_id
      ? await tx.trx
          .selectFrom('notification_templates')
          .select('category')
          .where('id', '=', rule.template_id)
          .executeTakeFirst()
      : undefined;
    await deps.notifier.schedule(tx, event.account_id, { ...input, category: template?.category ?? 'utility' });
  }

  /** Timed reminders (before start, after end) for everyone the rules address, or one provider. */
  async function planTimed(tx: TxContext, event: EventRow, onlyAssignment?: number) {
    for (const rule of await activeRules(tx.trx, event.account_id, TIMED_TRIGGERS)) {
      if (onlyAssignment !== undefined && rule.audience === 'client') continue;
      const dueAt = timedDueAt(rule.trigger as RuleTrigger, rule.offset_minutes, event);
      if (!dueAt) continue;
      const people =
        onlyAssignment !== undefined
          ? await providerRecipients(tx.trx, event, onlyAssignment)
          : await recipients(tx.trx, rule, event);
      for (const person of people) {
        // A provider's reminder is theirs for this assignment: removed and assigned again, they get a new one.
        const who = person.assignmentId ? `assignment:${person.assignmentId}:` : '';
        await plan(
          tx,
          rule,
          event,
          person,
          `rule:${rule.id}:event:${event.id}:${who}contact:${person.contactId}`,
          dueAt,
        );
      }
    }
  }

  /** A moved event: every pending timed reminder follows it; the ones not planned yet are planned. */
  async function moveTimed(tx: TxContext, event: EventRow) {
    const pending = await tx.trx
      .selectFrom('notifications')
      .innerJoin('notification_rules', 'notification_rules.id', 'notifications.rule_id')
      .select(['notifications.id', 'notification_rules.trigger', 'notification_rules.offset_minutes'])
      .where('notifications.account_id', '=', event.account_id)
      .where('notifications.event_id', '=', event.id)
      .where('notifications.status', '=', 'scheduled')
      .where('notification_rules.trigger', 'in', TIMED_TRIGGERS)
      .execute();
    const now = deps.clock.now();
    for (const row of pending) {
      const dueAt = timedDueAt(row.trigger as RuleTrigger, row.offset_minutes, event);
      if (!dueAt) continue;
      if (dueAt.getTime() < now.getTime() - PLANNING_GRACE_MS) {
        // Moved so close that this reminder's moment has passed: recorded, not sent at once.
        await tx.trx
          .updateTable('notifications')
          .set({ status: 'skipped', reason: PLANNED_LATE, due_at: dueAt, updated_at: sql`now()` })
          .where('id', '=', row.id)
          .where('status', '=', 'scheduled')
          .execute();
        continue;
      }
      await deps.notifier.move(tx, row.id, dueAt);
    }
    // A reminder skipped because it was late may be due again at the new time.
    await tx.trx
      .deleteFrom('notifications')
      .where('account_id', '=', event.account_id)
      .where('event_id', '=', event.id)
      .where('status', '=', 'skipped')
      .where('reason', 'like', 'planned_late:%')
      .execute();
    await planTimed(tx, event);
  }

  async function fire(tx: TxContext, trigger: RuleTrigger, event: EventRow, suffix: string, assignmentId?: number) {
    for (const rule of await activeRules(tx.trx, event.account_id, [trigger])) {
      for (const person of await recipients(tx.trx, rule, event, assignmentId)) {
        const key =
          assignmentId !== undefined
            ? `rule:${rule.id}:assignment:${assignmentId}:contact:${person.contactId}`
            : `rule:${rule.id}:event:${event.id}:contact:${person.contactId}${suffix}`;
        await plan(tx, rule, event, person, key, deps.clock.now());
      }
    }
  }

  /** The provider of an assignment that no longer holds a place loses its pending rule notifications. */
  async function dropProvider(tx: TxContext, event: EventRow, assignmentId: number) {
    await tx.trx
      .updateTable('notifications')
      .set({
        status: 'cancelled',
        reason: 'assignment_ended: o prestador não está mais escalado',
        updated_at: sql`now()`,
      })
      .where('account_id', '=', event.account_id)
      .where('event_id', '=', event.id)
      .where('assignment_id', '=', assignmentId)
      .where('kind', '=', 'rule')
      .where('status', '=', 'scheduled')
      .execute();
  }

  async function handle(business: BusinessEvent) {
    await ensureDefaultRules(deps.db, business.accountId);
    await inTransaction(deps.db, async (tx) => {
      const isAssignment = business.name.startsWith('assignment.') || business.name === 'offer.expired';
      const assignmentId = isAssignment ? Number(business.data.id ?? business.data.assignment_id) : undefined;
      const eventId = Number(isAssignment ? business.data.event_id : business.data.id);
      const event = await loadEvent(tx.trx, business.accountId, eventId);
      if (!event) return;
      const trigger = FIRES[business.name] ?? null;
      switch (business.name) {
        case 'event.created':
          await planTimed(tx, event);
          break;
        case 'event.rescheduled':
          await moveTimed(tx, event);
          break;
        case 'event.cancelled':
          await deps.notifier.cancel(
            tx,
            event.account_id,
            { eventId: event.id, kind: 'rule' },
            'event_cancelled: o evento foi cancelado',
          );
          break;
        case 'assignment.created':
        case 'assignment.accepted':
          if (event.status !== 'cancelled' && assignmentId) await planTimed(tx, event, assignmentId);
          break;
        case 'assignment.declined':
        case 'assignment.withdrawn':
        case 'offer.expired':
          if (assignmentId) await dropProvider(tx, event, assignmentId);
          break;
      }
      if (trigger) {
        const suffix = trigger === 'event.rescheduled' ? `:at:${event.starts_at.getTime()}` : '';
        await fire(tx, trigger, event, suffix, isAssignment ? assignmentId : undefined);
      }
    });
  }

  return {
    id: 'notify.rules',
    wants: (event) => event.name in FIRES,
    handle,
  };
}
