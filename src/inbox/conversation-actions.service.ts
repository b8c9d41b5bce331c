import { sql } from 'kysely';
import type { Db } from '../db/client.js';
import { isUniqueViolation } from '../db/errors.js';
import type { Conversation, ConversationStatus, Priority } from '../db/schema.js';
import { inTransaction, type TxContext } from '../db/transaction.js';
import type { EventBus } from '../realtime/event-bus.js';
import type { Clock } from '../shared/clock.js';
import { AppError, notFound } from '../shared/errors.js';
import { messagesRepo } from './messages.repo.js';

interface Actor {
  accountId: number;
  userId: number;
  name: string;
}

/** Status, assignment and priority changes, each leaving an activity line in the conversation. */
export function createConversationActions(deps: { db: Db; events: EventBus; clock: Clock }) {
  async function activity(tx: TxContext, conversation: Conversation, content: string) {
    await messagesRepo.insert(tx.trx, {
      accountId: conversation.account_id,
      inboxId: conversation.inbox_id,
      conversationId: conversation.id,
      messageType: 2,
      contentType: 'activity',
      content,
      contentAttributes: {},
      status: 'sent',
      sourceId: null,
      senderType: 'system',
      senderId: null,
      inReplyToSourceId: null,
      sentAt: deps.clock.now(),
    });
  }

  function publish(tx: TxContext, conversation: Conversation, name: string) {
    tx.afterCommit(() =>
      deps.events.publish({
        accountId: conversation.account_id,
        name,
        data: {
          id: conversation.id,
          display_id: conversation.display_id,
          status: conversation.status,
          assignee_id: conversation.assignee_id,
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
          publish(tx, updated, 'conversation.status_changed');
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
        return updated;
      });
    },

    /** The agent read the conversation: unread count back to zero. */
    async markSeen(actor: Actor, displayId: number) {
      return inTransaction(deps.db, async (tx) => {
        const conversation = await load(tx, actor.accountId, displayId);
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
