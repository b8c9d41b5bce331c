import { sql } from 'kysely';
import type { Conversation } from '../db/schema.js';
import type { TxContext } from '../db/transaction.js';
import { contactsRepo } from '../inbox/contacts.repo.js';
import { conversationsRepo } from '../inbox/conversations.repo.js';
import { messagesRepo } from '../inbox/messages.repo.js';
import { whatsappRouteFor } from '../notify/whatsapp-delivery.js';
import type { EventBus } from '../realtime/event-bus.js';

/** Where a note for attendants goes: a known conversation, else the person's latest (or a new) one. */
export interface NoteTarget {
  accountId: number;
  conversationId?: number | null;
  contactId?: number | null;
}

async function conversationFor(
  tx: TxContext,
  target: NoteTarget,
  now: Date,
): Promise<{ conversation: Conversation; created: boolean } | null> {
  if (target.conversationId) {
    const known = await conversationsRepo.find(tx.trx, target.accountId, target.conversationId);
    if (known) return { conversation: known, created: false };
  }
  if (!target.contactId) return null;
  const contact = await contactsRepo.find(tx.trx, target.accountId, target.contactId);
  if (!contact) return null;
  const route = await whatsappRouteFor(tx.trx, contact, now);
  if (!route) return null;
  if (route.conversation) return { conversation: route.conversation, created: false };
  const inserted = await conversationsRepo.insert(tx.trx, {
    accountId: target.accountId,
    displayId: await conversationsRepo.nextDisplayId(tx.trx, target.accountId),
    inboxId: route.inboxId,
    contactId: contact.id,
    contactInboxId: route.contactInboxId,
    at: now,
  });
  if (inserted) return { conversation: inserted, created: true };
  const raced = await conversationsRepo.latestFor(tx.trx, route.inboxId, contact.id);
  return raced ? { conversation: raced, created: false } : null;
}

/**
 * Adds a private note (never sent) and leaves the conversation open, so it shows in the open and
 * unassigned lists until an attendant takes it. Returns the conversation id, or null when the person
 * has no conversation and cannot be reached on WhatsApp to open one.
 */
export async function noteForAttendants(
  deps: { events: EventBus },
  tx: TxContext,
  target: NoteTarget,
  text: string,
  now: Date,
  attributes: Record<string, unknown> = {},
): Promise<number | null> {
  const located = await conversationFor(tx, target, now);
  if (!located) return null;
  const found = located.conversation;
  const note = await messagesRepo.insert(tx.trx, {
    accountId: target.accountId,
    inboxId: found.inbox_id,
    conversationId: found.id,
    messageType: 1,
    contentType: 'text',
    content: text,
    contentAttributes: attributes,
    private: true,
    status: 'sent',
    sourceId: null,
    senderType: null,
    senderId: null,
    inReplyToSourceId: null,
    sentAt: now,
  });
  if (!note) throw new Error('Attendant note not stored');
  const conversation = await tx.trx
    .updateTable('conversations')
    .set({
      status: 'open',
      snoozed_until: null,
      last_activity_at: sql`greatest(last_activity_at, ${now})`,
      updated_at: sql`now()`,
    })
    .where('id', '=', found.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const { account_id: accountId, inbox_id: inboxId, display_id: displayId } = conversation;
  tx.afterCommit(() => {
    if (located.created) {
      deps.events.publish({
        accountId,
        inboxId,
        name: 'conversation.created',
        data: { id: conversation.id, display_id: displayId },
      });
    } else if (found.status !== conversation.status) {
      deps.events.publish({
        accountId,
        inboxId,
        name: 'conversation.status_changed',
        data: { id: conversation.id, display_id: displayId, status: conversation.status },
      });
    }
    deps.events.publish({
      accountId,
      inboxId,
      name: 'message.created',
      data: { id: note.id, conversation_id: conversation.id, display_id: displayId },
    });
  });
  return conversation.id;
}
