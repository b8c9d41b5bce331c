import type { Inbox } from '../../db/schema.js';
import type { TxContext } from '../../db/transaction.js';
import { conversationFor } from '../../inbox/conversation-for.js';
import { conversationsRepo } from '../../inbox/conversations.repo.js';
import { messagesRepo } from '../../inbox/messages.repo.js';
import type { AccountEvent } from '../../realtime/event-bus.js';
import type { ApplyContext } from './inbound-batch.js';
import type { ContactOf } from './inbound-updates.js';
import type { InboundEvent } from './webhook-events.js';

/** Messages the business sent from the WhatsApp Business app (coexistence), stored as outgoing. */
export function createInboundEchoes(deps: {
  publish: (tx: TxContext, inboxId: number, events: AccountEvent[]) => void;
  contactOf: ContactOf;
  alreadyStored: (tx: TxContext, inbox: Inbox, wamid: string, context: ApplyContext) => Promise<boolean>;
}) {
  async function applyEcho(
    tx: TxContext,
    inbox: Inbox,
    event: Extract<InboundEvent, { kind: 'echo' }>,
    context: ApplyContext,
  ) {
    const at = event.message.timestamp ?? context.receivedAt;
    if (await deps.alreadyStored(tx, inbox, event.message.wamid, context)) return;
    const contactInfo = { waId: event.to, userId: event.toUserId, parentUserId: null, profileName: null };
    const { contact, contactInboxId, created: newContact } = await deps.contactOf(tx, inbox, contactInfo, context);
    const { conversation } = await conversationFor(
      tx,
      inbox,
      { id: contact.id, created: newContact },
      contactInboxId,
      at,
    );
    const stored = await messagesRepo.insert(tx.trx, {
      accountId: inbox.account_id,
      inboxId: inbox.id,
      conversationId: conversation.id,
      messageType: 1,
      contentType: event.message.contentType,
      content: event.message.content,
      contentAttributes: { ...event.message.contentAttributes, external_echo: true },
      status: 'sent',
      sourceId: event.message.wamid,
      senderType: null,
      senderId: null,
      inReplyToSourceId: event.message.replyToWamid,
      sentAt: at,
    });
    if (!stored) return;
    for (const change of await messagesRepo.takePendingStatuses(tx.trx, inbox.id, event.message.wamid)) {
      await messagesRepo.advanceStatus(tx.trx, inbox.id, event.message.wamid, change);
    }
    await conversationsRepo.recordOutgoing(tx.trx, conversation.id, at, false);
    deps.publish(tx, inbox.id, [
      {
        accountId: inbox.account_id,
        name: 'message.created',
        data: { id: stored.id, conversation_id: conversation.id },
      },
    ]);
  }

  return { applyEcho };
}
