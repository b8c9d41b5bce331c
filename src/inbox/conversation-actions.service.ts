import { sql } from 'kysely';
import type { BusinessEvents } from '../automation/business-events.js';
import type { PerformedBy } from '../automation/rules/engine/performed-by.js';
import type { Db } from '../db/client.js';
import { isUniqueViolation } from '../db/errors.js';
import type { Conversation, ConversationStatus, Priority } from '../db/schema.js';
import { inTransaction, type TxContext } from '../db/transaction.js';
import type { JobSystem } from '../jobs/job-system.js';
import type { EventBus } from '../realtime/event-bus.js';
import type { Clock } from '../shared/clock.js';
import { AppError, notFound } from '../shared/errors.js';
import { normalizeLabels } from './label-titles.js';
import { messagesRepo } from './messages.repo.js';
import { enqueueReadReceipt } from './read-receipts.js';

interface Actor {
  accountId: number;
  userId: number;
  name: string;
  /** Who caused the change, for automation's loop protection (default: this user). */
  performedBy?: PerformedBy;
}

/** Status, assignment and priority changes, each leaving an activity line in the conversation. */
export function createConversationActions(deps: {
  db: Db;
  events: EventBus;
  clock: Clock;
  jobs: JobSystem;
  businessEvents?: BusinessEvents;
}) {
  async function activity(tx: TxContext, conversation: Conversation, content: string) {
    await messagesRepo.insertActivity(tx.trx, conversation, content, deps.clock.now());
  }

  /** Durable, with the change: automation rules react to it (conversation_updated, _opened, _resolved). */
  async function recordChange(
    tx: TxContext,
    updated: Conversation,
    changed: string[],
    performedBy: PerformedBy,
    previousStatus?: ConversationStatus,
  ) {
    const statusChanged = previousStatus !== undefined && previousStatus !== updated.status;
    await deps.businessEvents?.record(tx, {
      accountId: updated.account_id,
      name: statusChanged ? 'conversation.status_changed' : 'conversation.updated',
      data: {
        conversation_id: updated.id,
        display_id: updated.display_id,
        status: updated.status,
        ...(statusChanged ? { previous_status: previousStatus } : {}),
        changed_attributes: changed,
        performed_by: performedBy,
      },
    });
  }

  const performer = (actor: Actor): PerformedBy => actor.performedBy ?? { type: 'user', id: actor.userId };

  function publish(tx: TxContext, conversation: Conversation, name: string, extra: Record<string, unknown> = {}) {
    tx.afterCommit(() =>
      deps.events.publish({
        accountId: conversation.account_id,
        inboxId: conversation.inbox_id,
        name,
        data: {
          id: conversation.id,
          display_id: conversation.display_id,
          status: conversation.status,
          assignee_id: conversation.assignee_id,
          team_id: conversation.team_id,
          ...extra,
        },
      }),
    );
  }

  async function load(tx: TxContext, accountId: number, displayId: number) {
    const conversation = await tx.trx
      .selectFrom('conversations')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('display_id', '=', displayId)
      .forUpdate()
      .executeTakeFirst();
    if (!conversation) throw notFound('Conversa');
    return conversation;
  }

  const STATUS_TEXT: Record<ConversationStatus, string> = {
    open: 'Conversa reaberta por',
    resolved: 'Conversa resolvida por',
    pending: 'Conversa marcada como pendente por',
    snoozed: 'Conversa adiada por',
  };

  return {
    /** Chatwoot's toggle: without a status, open ↔ resolved. */
    async setStatus(actor: Actor, displayId: number, requested: ConversationStatus | undefined, snoozedUntil?: Date) {
      try {
        return await inTransaction(deps.db, async (tx) => {
          const conversation = await load(tx, actor.accountId, displayId);
          const status = requested ?? (conversation.status === 'open' ? 'resolved' : 'open');
          if (status === 'snoozed' && snoozedUntil && !(snoozedUntil.getTime() > deps.clock.now().getTime())) {
            throw new AppError('unprocessable', 'O adiamento precisa terminar no futuro.', [
              { field: 'snoozed_until', message: 'data no passado ou inválida' },
            ]);
          }
          if (status === 'snoozed' && !snoozedUntil) {
            throw new AppError('unprocessable', 'Informe até quando adiar a conversa.', [
              { field: 'snoozed_until', message: 'obrigatório' },
            ]);
          }
          if (status === conversation.status && status !== 'snoozed') return conversation;
          const updated = await tx.trx
            .updateTable('conversations')
            .set({
              status,
              snoozed_until: status === 'snoozed' ? (snoozedUntil ?? null) : null,
              waiting_since: status === 'resolved' ? null : sql`waiting_since`,
              updated_at: sql`now()`,
            })
            .where('id', '=', conversation.id)
            .returningAll()
            .executeTakeFirstOrThrow();
          await activity(tx, updated, `${STATUS_TEXT[status]} ${actor.name}`);
          if (status === 'snoozed' && snoozedUntil) {
            // The conversation opens again by itself when the snooze ends (or earlier, if the contact writes).
            await deps.jobs.enqueue(
              'conversation.wake_snoozed',
              { conversationId: updated.id, until: snoozedUntil.toISOString() },
              {
                tx,
                runAt: snoozedUntil,
                key: `snooze:${updated.id}:${snoozedUntil.getTime()}`,
                accountId: actor.accountId,
              },
            );
          }
          publish(tx, updated, 'conversation.status_changed');
          await recordChange(tx, updated, ['status'], performer(actor), conversation.status);
          return updated;
        });
      } catch (error) {
        // Reopening an old conversation while the contact already has another one open.
        if (isUniqueViolation(error)) {
          throw new AppError('conflict', 'Este contato já tem outra conversa aberta nesta caixa de entrada.');
        }
        throw error;
      }
    },

    async assign(actor: Actor, displayId: number, assigneeId: number | null) {
      return inTransaction(deps.db, async (tx) => {
        const conversation = await load(tx, actor.accountId, displayId);
        let assigneeName: string | null = null;
        if (assigneeId !== null) {
          const member = await tx.trx
            .selectFrom('account_users')
            .innerJoin('users', 'users.id', 'account_users.user_id')
            .select(['users.id', 'users.name', 'users.display_name', 'users.email'])
            .where('account_users.account_id', '=', actor.accountId)
            .where('account_users.user_id', '=', assigneeId)
            .executeTakeFirst();
          if (!member)
            throw new AppError('unprocessable', 'Este agente não faz parte da conta.', [
              { field: 'assignee_id', message: 'agente desconhecido' },
            ]);
          assigneeName = member.display_name ?? member.name;
        }
        if (conversation.assignee_id === assigneeId) return { conversation, assigneeName };
        const updated = await tx.trx
          .updateTable('conversations')
          .set({ assignee_id: assigneeId, updated_at: sql`now()` })
          .where('id', '=', conversation.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await activity(
          tx,
          updated,
          assigneeId === null
            ? `Atribuição removida por ${actor.name}`
            : assigneeId === actor.userId
              ? `${actor.name} assumiu a conversa`
              : `Conversa atribuída a ${assigneeName} por ${actor.name}`,
        );
        publish(tx, updated, 'conversation.updated');
        await recordChange(tx, updated, ['assignee_id'], performer(actor));
        return { conversation: updated, assigneeName };
      });
    },

    async setPriority(actor: Actor, displayId: number, priority: Priority | null) {
      return inTransaction(deps.db, async (tx) => {
        const conversation = await load(tx, actor.accountId, displayId);
        const updated = await tx.trx
          .updateTable('conversations')
          .set({ priority, updated_at: sql`now()` })
          .where('id', '=', conversation.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        publish(tx, updated, 'conversation.updated');
        if (conversation.priority !== priority) await recordChange(tx, updated, ['priority'], performer(actor));
        return updated;
      });
    },

    /** The snooze ended: the conversation opens again, unless something already changed it. */
    async wakeSnoozed(conversationId: number, until: Date): Promise<Conversation | null> {
      return inTransaction(deps.db, async (tx) => {
        const conversation = await tx.trx
          .selectFrom('conversations')
          .selectAll()
          .where('id', '=', conversationId)
          .forUpdate()
          .executeTakeFirst();
        // Re-snoozed to another time, reopened or resolved meanwhile: this wake-up is stale.
        if (conversation?.status !== 'snoozed' || conversation.snoozed_until?.getTime() !== until.getTime()) {
          return null;
        }
        const updated = await tx.trx
          .updateTable('conversations')
          .set({ status: 'open', snoozed_until: null, updated_at: sql`now()` })
          .where('id', '=', conversation.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await activity(tx, updated, 'Conversa reaberta: o adiamento terminou');
        publish(tx, updated, 'conversation.status_changed');
        await recordChange(tx, updated, ['status'], { type: 'system' }, conversation.status);
        return updated;
      });
    },

    async assignTeam(actor: Actor, displayId: number, teamId: number | null) {
      return inTransaction(deps.db, async (tx) => {
        const conversation = await load(tx, actor.accountId, displayId);
        let teamName: string | null = null;
        if (teamId !== null) {
          const team = await tx.trx
            .selectFrom('teams')
            .select('name')
            .where('account_id', '=', actor.accountId)
            .where('id', '=', teamId)
            .executeTakeFirst();
          if (!team)
            throw new AppError('unprocessable', 'Este time não existe nesta conta.', [
              { field: 'team_id', message: 'time desconhecido' },
            ]);
          teamName = team.name;
        }
        if (conversation.team_id === teamId) return conversation;
        const updated = await tx.trx
          .updateTable('conversations')
          .set({ team_id: teamId, updated_at: sql`now()` })
          .where('id', '=', conversation.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await activity(
          tx,
          updated,
          teamName === null
            ? `Time removido por ${actor.name}`
            : `Conversa atribuída ao time ${teamName} por ${actor.name}`,
        );
        publish(tx, updated, 'conversation.updated', { changed_attributes: ['team_id'] });
        await recordChange(tx, updated, ['team_id'], performer(actor));
        return updated;
      });
    },

    /** Chatwoot's POST /labels: the given titles replace the conversation's set. */
    async setLabels(actor: Actor, displayId: number, requested: string[]) {
      const labels = normalizeLabels(requested);
      return inTransaction(deps.db, async (tx) => {
        const conversation = await load(tx, actor.accountId, displayId);
        const added = labels.filter((label) => !conversation.labels.includes(label));
        const removed = conversation.labels.filter((label) => !labels.includes(label));
        if (added.length === 0 && removed.length === 0) return conversation;
        const updated = await tx.trx
          .updateTable('conversations')
          .set({ labels: sql`${labels}::text[]`, updated_at: sql`now()` })
          .where('id', '=', conversation.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        if (added.length) await activity(tx, updated, `${actor.name} adicionou os marcadores ${added.join(', ')}`);
        if (removed.length) await activity(tx, updated, `${actor.name} removeu os marcadores ${removed.join(', ')}`);
        publish(tx, updated, 'conversation.updated', { changed_attributes: ['labels'], labels });
        await recordChange(tx, updated, ['labels'], performer(actor));
        return updated;
      });
    },

    /** Priority and attributes (PATCH): custom attributes given here replace the conversation's. */
    async update(
      actor: Actor,
      displayId: number,
      changes: {
        priority?: Priority | null | undefined;
        customAttributes?: Record<string, unknown> | undefined;
        additionalAttributes?: Record<string, unknown> | undefined;
      },
    ) {
      return inTransaction(deps.db, async (tx) => {
        const conversation = await load(tx, actor.accountId, displayId);
        const changed: string[] = [];
        if (changes.priority !== undefined && changes.priority !== conversation.priority) changed.push('priority');
        if (changes.customAttributes !== undefined) changed.push('custom_attributes');
        if (changes.additionalAttributes !== undefined) changed.push('additional_attributes');
        if (changed.length === 0) return conversation;
        const updated = await tx.trx
          .updateTable('conversations')
          .set({
            ...(changes.priority !== undefined ? { priority: changes.priority } : {}),
            ...(changes.customAttributes !== undefined
              ? { custom_attributes: JSON.stringify(changes.customAttributes) }
              : {}),
            ...(changes.additionalAttributes !== undefined
              ? {
                  additional_attributes: sql`additional_attributes || ${JSON.stringify(changes.additionalAttributes)}::jsonb`,
                }
              : {}),
            updated_at: sql`now()`,
          })
          .where('id', '=', conversation.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        publish(tx, updated, 'conversation.updated', { changed_attributes: changed });
        await recordChange(tx, updated, changed, performer(actor));
        return updated;
      });
    },

    /** "Marcar como não lida": the last incoming message counts as unread again. */
    async markUnread(actor: Actor, displayId: number) {
      return inTransaction(deps.db, async (tx) => {
        const conversation = await load(tx, actor.accountId, displayId);
        const last = await tx.trx
          .selectFrom('messages')
          .select('sent_at')
          .where('conversation_id', '=', conversation.id)
          .where('message_type', '=', 0)
          .orderBy('id', 'desc')
          .limit(1)
          .executeTakeFirst();
        const seenAt = last ? new Date(last.sent_at.getTime() - 1000) : null;
        const updated = await tx.trx
          .updateTable('conversations')
          .set({ agent_last_seen_at: seenAt })
          .where('id', '=', conversation.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        publish(tx, updated, 'conversation.updated', { changed_attributes: ['agent_last_seen_at'] });
        return updated;
      });
    },

    /** The agent read the conversation: unread count back to zero. */
    async markSeen(actor: Actor, displayId: number) {
      return inTransaction(deps.db, async (tx) => {
        const conversation = await load(tx, actor.accountId, displayId);
        // The client sees blue ticks: WhatsApp's read receipt, sent by a job (never waited for here).
        await enqueueReadReceipt(tx, deps.jobs, conversation);
        return tx.trx
          .updateTable('conversations')
          .set({ agent_last_seen_at: sql`now()` })
          .where('id', '=', conversation.id)
          .returningAll()
          .executeTakeFirstOrThrow();
      });
    },
  };
}

export type ConversationActions = ReturnType<typeof createConversationActions>;
