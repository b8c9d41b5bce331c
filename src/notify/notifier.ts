import { sql } from 'kysely';
import type { Interactive } from '../channels/whatsapp/outbound-payload.js';
import type { Db } from '../db/client.js';
import type { NotificationCategory, NotificationKind } from '../db/schema.js';
import type { TxContext } from '../db/transaction.js';
import type { JobSystem } from '../jobs/job-system.js';

export interface FixedContent {
  text?: string;
  interactive?: Interactive;
  sms?: string;
}

export interface ScheduleInput {
  /** Deterministic and unique per account (e.g. `rule:7:event:42:contact:9`): scheduling twice is a no-op. */
  key: string;
  kind: NotificationKind;
  contactId: number;
  dueAt: Date;
  category?: NotificationCategory;
  /** Essential sends ignore quiet hours and the notifications opt-out (never the marketing consent). */
  essential?: boolean;
  /** Rendered at send time with the event, assignment and contact as they are then. */
  templateId?: number | null;
  ruleId?: number | null;
  eventId?: number | null;
  assignmentId?: number | null;
  dispatchId?: number | null;
  broadcastId?: number | null;
  /** Preferred over the template's variants: interactive/text while the window is open, sms for SMS. */
  content?: FixedContent;
}

export interface Notifier {
  schedule(tx: TxContext, accountId: number, input: ScheduleInput): Promise<{ id: number; created: boolean }>;
  cancel(
    tx: TxContext,
    accountId: number,
    filter: { eventId?: number; assignmentId?: number; dispatchId?: number; contactId?: number; kind?: string },
    reason: string,
  ): Promise<number>;
  /** Moves a still-scheduled notification to a new due time (a rescheduled event's reminder). */
  move(tx: TxContext, id: number, dueAt: Date): Promise<boolean>;
}

/** The delivery job's key: one per notification and due time, so moving it queues a fresh job. */
export const deliveryJobKey = (id: number, dueAt: Date) => `notify:${id}:${dueAt.getTime()}`;

/**
 * Every automated send — rule reminders, offers, replies to offers, broadcasts, consent confirmations —
 * is a notification row with a deterministic key and a delivery job at its due time, both committed
 * in the caller's transaction: created at most once, and never lost once the change committed.
 */
export function createNotifier(deps: { db: Db; jobs: JobSystem }): Notifier {
  async function enqueueDelivery(tx: TxContext, accountId: number, id: number, dueAt: Date) {
    await deps.jobs.enqueue(
      'notify.deliver',
      { notificationId: id, dueAt: dueAt.getTime() },
      { tx, runAt: dueAt, key: deliveryJobKey(id, dueAt), accountId },
    );
  }

  return {
    async schedule(tx, accountId, input) {
      const inserted = await tx.trx
        .insertInto('notifications')
        .values({
          account_id: accountId,
          key: input.key,
          kind: input.kind,
          contact_id: input.contactId,
          due_at: input.dueAt,
          category: input.category ?? 'utility',
          essential: input.essential ?? false,
          template_id: input.templateId ?? null,
          rule_id: input.ruleId ?? null,
          event_id: input.eventId ?? null,
          assignment_id: input.assignmentId ?? null,
          dispatch_id: input.dispatchId ?? null,
          broadcast_id: input.broadcastId ?? null,
          rendered: input.content ? JSON.stringify({ content: input.content }) : null,
        })
        .onConflict((conflict) => conflict.columns(['account_id', 'key']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!inserted) {
        const existing = await tx.trx
          .selectFrom('notifications')
          .select('id')
          .where('account_id', '=', accountId)
          .where('key', '=', input.key)
          .executeTakeFirstOrThrow();
        return { id: existing.id, created: false };
      }
      await enqueueDelivery(tx, accountId, inserted.id, input.dueAt);
      return { id: inserted.id, created: true };
    },

    async cancel(tx, accountId, filter, reason) {
      let query = tx.trx
        .updateTable('notifications')
        .set({ status: 'cancelled', reason, updated_at: sql`now()` })
        .where('account_id', '=', accountId)
        .where('status', '=', 'scheduled');
      if (filter.eventId !== undefined) query = query.where('event_id', '=', filter.eventId);
      if (filter.assignmentId !== undefined) query = query.where('assignment_id', '=', filter.assignmentId);
      if (filter.dispatchId !== undefined) query = query.where('dispatch_id', '=', filter.dispatchId);
      if (filter.contactId !== undefined) query = query.where('contact_id', '=', filter.contactId);
      if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind as NotificationKind);
      const cancelled = await query.returning('id').execute();
      return cancelled.length;
    },

    async move(tx, id, dueAt) {
      const moved = await tx.trx
        .updateTable('notifications')
        .set({ due_at: dueAt, original_due_at: null, updated_at: sql`now()` })
        .where('id', '=', id)
        .where('status', '=', 'scheduled')
        .returning(['id', 'account_id'])
        .executeTakeFirst();
      if (!moved) return false;
      await enqueueDelivery(tx, moved.account_id, moved.id, dueAt);
      return true;
    },
  };
}
