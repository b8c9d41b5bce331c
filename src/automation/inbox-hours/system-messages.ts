import { randomUUID } from 'node:crypto';
import type { Interactive } from '../../channels/whatsapp/outbound-payload.js';
import type { Conversation, Message } from '../../db/schema.js';
import type { TxContext } from '../../db/transaction.js';
import { conversationsRepo } from '../../inbox/conversations.repo.js';
import { messagesRepo } from '../../inbox/messages.repo.js';
import type { JobSystem } from '../../jobs/job-system.js';
import type { EventBus } from '../../realtime/event-bus.js';

export interface SystemReply {
  content: string;
  interactive?: Interactive | undefined;
  /** Why Santana sent it (out_of_office, greeting, greeting_menu…), kept in content_attributes.automation. */
  reason: string;
}

/**
 * Santana's own replies inside the 24-hour window (out-of-office, greeting, menu answers): stored as
 * outgoing messages from the system, `queued`, with the send job in the caller's transaction, as an
 * agent's reply would be. Several go out in the order given: like a media group, each one queues
 * the next once it has settled.
 */
export async function queueSystemReplies(
  tx: TxContext,
  deps: { jobs: JobSystem; events: EventBus },
  conversation: Conversation,
  replies: readonly SystemReply[],
  at: Date,
): Promise<Message[]> {
  if (replies.length === 0) return [];
  const group = replies.length > 1 ? randomUUID() : null;
  const stored: Message[] = [];
  for (const [index, reply] of replies.entries()) {
    const message = await messagesRepo.insert(tx.trx, {
      accountId: conversation.account_id,
      inboxId: conversation.inbox_id,
      conversationId: conversation.id,
      messageType: 1,
      contentType: reply.interactive ? 'input_select' : 'text',
      content: reply.content,
      contentAttributes: {
        automation: reply.reason,
        ...(reply.interactive ? { interactive: reply.interactive } : {}),
        ...(group ? { media_group: { id: group, index, size: replies.length } } : {}),
      },
      status: 'queued',
      sourceId: null,
      senderType: 'system',
      senderId: null,
      inReplyToSourceId: null,
      sentAt: at,
    });
    if (!message) throw new Error('System reply not stored');
    stored.push(message);
  }
  const [first] = stored;
  if (first) {
    await deps.jobs.enqueue(
      'whatsapp.send_message',
      { messageId: first.id },
      { tx, key: `send:${first.id}`, accountId: conversation.account_id },
    );
  }
  // Not an attendant's reply: the conversation still waits for one.
  await conversationsRepo.recordOutgoing(tx.trx, conversation.id, at, false);
  tx.afterCommit(() => {
    for (const message of stored) {
      deps.events.publish({
        accountId: conversation.account_id,
        inboxId: conversation.inbox_id,
        name: 'message.created',
        data: { id: message.id, conversation_id: conversation.id, display_id: conversation.display_id },
      });
    }
  });
  return stored;
}
