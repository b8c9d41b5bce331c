import { sql } from 'kysely';
import type { Contact, Conversation, Message } from '../db/schema.js';
import type { TxContext } from '../db/transaction.js';
import { contactsRepo } from '../inbox/contacts.repo.js';
import { conversationsRepo } from '../inbox/conversations.repo.js';
import { messagesRepo } from '../inbox/messages.repo.js';
import { replyWindow } from '../inbox/window.js';
import type { JobSystem } from '../jobs/job-system.js';
import type { EventBus } from '../realtime/event-bus.js';
import { normalizePhone } from '../shared/phone.js';

type Trx = TxContext['trx'];

export interface WhatsAppRoute {
  inboxId: number;
  contactInboxId: number;
  conversation: Conversation | null;
  windowOpen: boolean;
}

/**
 * Where an automated message to this person goes on WhatsApp: the inbox of their most recent
 * conversation (its 24-hour window decides free text vs template), else the account's first WhatsApp
 * inbox, addressed by their phone number. Null when they cannot be reached on WhatsApp at all.
 */
export async function whatsappRouteFor(trx: Trx, contact: Contact, now: Date): Promise<WhatsAppRoute | null> {
  const latest = await trx
    .selectFrom('conversations')
    .innerJoin('inboxes', 'inboxes.id', 'conversations.inbox_id')
    .selectAll('conversations')
    .where('conversations.contact_id', '=', contact.id)
    .where('inboxes.channel_type', '=', 'whatsapp_cloud')
    .orderBy(sql`conversations.last_incoming_at IS NULL`)
    .orderBy('conversations.last_incoming_at', 'desc')
    .orderBy('conversations.id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (latest) {
    // The open conversation of that inbox, if an older one is the open one.
    const current = (await conversationsRepo.latestFor(trx, latest.inbox_id, contact.id)) ?? latest;
    return {
      inboxId: current.inbox_id,
      contactInboxId: current.contact_inbox_id,
      conversation: current,
      windowOpen: replyWindow(current.last_incoming_at ?? latest.last_incoming_at, now).canReply,
    };
  }
  const phone = contact.phone_number ? normalizePhone(contact.phone_number) : null;
  if (!phone) return null;
  const inbox = await trx
    .selectFrom('inboxes')
    .select('id')
    .where('account_id', '=', contact.account_id)
    .where('channel_type', '=', 'whatsapp_cloud')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  if (!inbox) return null;
  const contactInbox =
    (await contactsRepo.findContactInboxOf(trx, inbox.id, contact.id)) ??
    (await contactsRepo.ensureContactInbox(trx, {
      accountId: contact.account_id,
      contactId: contact.id,
      inboxId: inbox.id,
      sourceId: phone.e164.slice(1),
    }));
  return { inboxId: inbox.id, contactInboxId: contactInbox.id, conversation: null, windowOpen: false };
}

export interface OutgoingAutomated {
  /** 1 = outgoing, 3 = template (Chatwoot's message types). */
  messageType: 1 | 3;
  contentType: 'text' | 'input_select';
  content: string | null;
  contentAttributes: Record<string, unknown>;
}

/**
 * Stores an automated outgoing message in the person's conversation (attendants see what was sent)
 * and queues its send in the same transaction. A conversation opened only to carry it starts resolved,
 * so reminders do not fill the inbox; the person's answer reopens it.
 */
export async function queueWhatsAppMessage(
  deps: { jobs: JobSystem; events: EventBus },
  tx: TxContext,
  contact: Contact,
  route: WhatsAppRoute,
  outgoing: OutgoingAutomated,
  now: Date,
): Promise<Message> {
  let conversation = route.conversation;
  if (!conversation) {
    const displayId = await conversationsRepo.nextDisplayId(tx.trx, contact.account_id);
    const inserted = await conversationsRepo.insert(tx.trx, {
      accountId: contact.account_id,
      displayId,
      inboxId: route.inboxId,
      contactId: contact.id,
      contactInboxId: route.contactInboxId,
      at: now,
    });
    conversation = inserted
      ? await tx.trx
          .updateTable('conversations')
          .set({ status: 'resolved' })
          .where('id', '=', inserted.id)
          .returningAll()
          .executeTakeFirstOrThrow()
      : ((await conversationsRepo.latestFor(tx.trx, route.inboxId, contact.id)) ?? null);
    if (!conversation) throw new Error('Conversation vanished while opening it');
    const opened = conversation;
    tx.afterCommit(() =>
      deps.events.publish({
        accountId: opened.account_id,
        inboxId: opened.inbox_id,
        name: 'conversation.created',
        data: { id: opened.id, display_id: opened.display_id },
      }),
    );
  }
  const message = await messagesRepo.insert(tx.trx, {
    accountId: contact.account_id,
    inboxId: conversation.inbox_id,
    conversationId: conversation.id,
    messageType: outgoing.messageType,
    contentType: outgoing.contentType,
    content: outgoing.content,
    contentAttributes: outgoing.contentAttributes,
    status: 'queued',
    sourceId: null,
    senderType: null,
    senderId: null,
    inReplyToSourceId: null,
    sentAt: now,
  });
  if (!message) throw new Error('Automated message not stored');
  await deps.jobs.enqueue(
    'whatsapp.send_message',
    { messageId: message.id },
    { tx, key: `send:${message.id}`, accountId: contact.account_id },
  );
  await conversationsRepo.recordOutgoing(tx.trx, conversation.id, now, false);
  const { id: conversationId, display_id: displayId, inbox_id: inboxId } = conversation;
  tx.afterCommit(() =>
    deps.events.publish({
      accountId: contact.account_id,
      inboxId,
      name: 'message.created',
      data: { id: message.id, conversation_id: conversationId, display_id: displayId },
    }),
  );
  return message;
}
