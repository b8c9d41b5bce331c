import type { Db } from '../db/client.js';
import type { Message } from '../db/schema.js';
import { inTransaction, type TxContext } from '../db/transaction.js';
import type { JobSystem } from '../jobs/job-system.js';
import type { EventBus } from '../realtime/event-bus.js';
import type { Clock } from '../shared/clock.js';
import { AppError, notFound } from '../shared/errors.js';
import { removeFilesLater, storageKeysOf } from './attachment-files.js';
import { messagesRepo } from './messages.repo.js';
import { WINDOW_CLOSED_MESSAGE } from './outgoing-messages.service.js';
import { replyWindow } from './window.js';

/** What a deleted message shows (Chatwoot writes "This message was deleted"). */
export const DELETED_MESSAGE_TEXT = 'Esta mensagem foi apagada';

interface Actor {
  accountId: number;
  userId: number;
}

/** What agents do to a message already in the conversation: react to it, delete it. */
export function createMessageActions(deps: { db: Db; jobs: JobSystem; events: EventBus; clock: Clock }) {
  async function load(tx: TxContext, actor: Actor, displayId: number, messageId: number) {
    const conversation = await tx.trx
      .selectFrom('conversations')
      .selectAll()
      .where('account_id', '=', actor.accountId)
      .where('display_id', '=', displayId)
      .executeTakeFirst();
    if (!conversation) throw notFound('Conversa');
    const message = await tx.trx
      .selectFrom('messages')
      .selectAll()
      .where('account_id', '=', actor.accountId)
      .where('conversation_id', '=', conversation.id)
      .where('id', '=', messageId)
      .forUpdate()
      .executeTakeFirst();
    if (!message) throw new AppError('not_found', 'Mensagem não encontrada.');
    return { conversation, message };
  }

  const published = (tx: TxContext, message: Message) =>
    tx.afterCommit(() =>
      deps.events.publish({
        accountId: message.account_id,
        inboxId: message.inbox_id,
        name: 'message.updated',
        data: { id: message.id, conversation_id: message.conversation_id, status: message.status },
      }),
    );

  return {
    /**
     * The agent's reaction (one per agent per message; an empty emoji removes it), stored at once and
     * sent to WhatsApp by a job. Reacting is a message to the client: the 24-hour window applies.
     */
    async react(actor: Actor, displayId: number, messageId: number, emoji: string): Promise<Message> {
      const now = deps.clock.now();
      return inTransaction(deps.db, async (tx) => {
        const { conversation, message } = await load(tx, actor, displayId, messageId);
        if (!message.source_id || message.private) {
          throw new AppError(
            'unprocessable',
            'Só dá para reagir a mensagens que passaram pelo WhatsApp (esta ainda não tem identificador).',
            [{ field: 'message_id', message: 'mensagem sem wamid' }],
          );
        }
        if (!replyWindow(conversation.last_incoming_at, now).canReply) {
          throw new AppError('window_closed', WINDOW_CLOSED_MESSAGE);
        }
        const previous = await tx.trx
          .selectFrom('message_reactions')
          .select('emoji')
          .where('inbox_id', '=', message.inbox_id)
          .where('target_source_id', '=', message.source_id)
          .where('reactor_type', '=', 'user')
          .where('reactor_id', '=', actor.userId)
          .executeTakeFirst();
        // The same reaction again (a double click, a client retry) changes nothing and sends nothing.
        if ((previous?.emoji ?? '') === emoji) return message;
        await messagesRepo.setReaction(tx.trx, {
          accountId: actor.accountId,
          inboxId: message.inbox_id,
          targetSourceId: message.source_id,
          reactorType: 'user',
          reactorId: actor.userId,
          emoji: emoji || null,
          at: now,
        });
        await deps.jobs.enqueue(
          'whatsapp.send_reaction',
          { conversationId: conversation.id, inboxId: message.inbox_id, targetSourceId: message.source_id },
          {
            tx,
            key: `reaction:${message.id}:${actor.userId}:${emoji || 'none'}:${now.getTime()}`,
            accountId: actor.accountId,
          },
        );
        published(tx, message);
        return message;
      });
    },

    /**
     * Chatwoot's soft delete: the text is replaced, the files go (after the commit, by a job), the row stays (marked deleted). A
     * message still queued is never sent. WhatsApp cannot unsend one the client already received.
     */
    async softDelete(actor: Actor, displayId: number, messageId: number): Promise<Message> {
      return inTransaction(deps.db, async (tx) => {
        const { message } = await load(tx, actor, displayId, messageId);
        if (message.deleted_at) return message;
        const deleted = await messagesRepo.updateContent(tx.trx, message.id, {
          content: DELETED_MESSAGE_TEXT,
          contentAttributes: { deleted: true },
          deleted: true,
        });
        const keys = await storageKeysOf(tx.trx, actor.accountId, { messageId: message.id });
        await tx.trx.deleteFrom('attachments').where('message_id', '=', message.id).execute();
        await removeFilesLater(deps.jobs, tx, actor.accountId, keys);
        published(tx, deleted);
        return deleted;
      });
    },
  };
}

export type MessageActions = ReturnType<typeof createMessageActions>;
