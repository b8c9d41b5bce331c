import { sql } from 'kysely';
import type { Contact, Conversation, Job, Message } from '../db/schema.js';
import type { TxContext } from '../db/transaction.js';
import { contactsRepo } from '../inbox/contacts.repo.js';
import { conversationsRepo } from '../inbox/conversations.repo.js';
import { replyWindow } from '../inbox/window.js';
import type { JobSystem } from '../jobs/job-system.js';
import type { EventBus } from '../realtime/event-bus.js';
import { normalizePhone } from '../shared/phone.js';

type Trx = TxContext['trx'];

export interface WhatsAppRoute {
  inboxId: number;
  contactInboxId: number;
  /** The person's WhatsApp address in that inbox (what the send goes to). */
  sourceId: string;
  conversation: Conversation | null;
  windowOpen: boolean;
}

type Reachable = Pick<Contact, 'id' | 'account_id' | 'phone_number'>;

/**
 * Where an automated message to this person goes on WhatsApp: the inbox of their most recent
 * conversation (its 24-hour window decides free text vs template), else the account's first WhatsApp
 * inbox, addressed by their phone number. Null when they cannot be reached on WhatsApp at all.
 */
export async function whatsappRouteFor(trx: Trx, contact: Reachable, now: Date): Promise<WhatsAppRoute | null> {
  // One statement: the most recent WhatsApp conversation picks the inbox; that inbox's open conversation
  // (if an older one is the open one) carries the message.
  const current = await trx
    .with('latest', (db) =>
      db
        .selectFrom('conversations')
        .innerJoin('inboxes', 'inboxes.id', 'conversations.inbox_id')
        .select(['conversations.inbox_id', 'conversations.last_incoming_at'])
        .where('conversations.contact_id', '=', contact.id)
        .where('inboxes.channel_type', '=', 'whatsapp_cloud')
        .orderBy(sql`conversations.last_incoming_at IS NULL`)
        .orderBy('conversations.last_incoming_at', 'desc')
        .orderBy('conversations.id', 'desc')
        .limit(1),
    )
    .selectFrom('latest')
    .innerJoinLateral(
      (eb) =>
        eb
          .selectFrom('conversations')
          .selectAll('conversations')
          .whereRef('conversations.inbox_id', '=', 'latest.inbox_id')
          .where('conversations.contact_id', '=', contact.id)
          .orderBy(sql`status <> 'resolved'`, 'desc')
          .orderBy('conversations.id', 'desc')
          .limit(1)
          .as('current'),
      (join) => join.onTrue(),
    )
    .innerJoin('contact_inboxes', 'contact_inboxes.id', 'current.contact_inbox_id')
    .selectAll('current')
    .select(['latest.last_incoming_at as latest_incoming_at', 'contact_inboxes.source_id as route_source_id'])
    .executeTakeFirst();
  if (current) {
    const { latest_incoming_at: latestIncomingAt, route_source_id: sourceId, ...conversation } = current;
    return {
      inboxId: conversation.inbox_id,
      contactInboxId: conversation.contact_inbox_id,
      sourceId,
      conversation,
      windowOpen: replyWindow(conversation.last_incoming_at ?? latestIncomingAt, now).canReply,
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
  return {
    inboxId: inbox.id,
    contactInboxId: contactInbox.id,
    sourceId: contactInbox.source_id,
    conversation: null,
    windowOpen: false,
  };
}

export interface OutgoingAutomated {
  /** 1 = outgoing, 3 = template (Chatwoot's message types). */
  messageType: 1 | 3;
  contentType: 'text' | 'input_select';
  content: string | null;
  contentAttributes: Record<string, unknown>;
}

/** What a notification row records when its message is queued (written with the message). */
export interface NotificationQueued {
  lateness_ms: number;
  rendered: string;
}

export interface QueuedWhatsApp {
  message: Message;
  /** The send job, leased to this process: run it with `JobSystem.runClaimed` once the transaction commits. */
  sendJob: Job | null;
  sourceId: string;
}

async function openResolvedConversation(
  deps: { events: EventBus },
  tx: TxContext,
  contact: Reachable,
  route: WhatsAppRoute,
  now: Date,
) {
  const displayId = await conversationsRepo.nextDisplayId(tx.trx, contact.account_id);
  const inserted = await conversationsRepo.insert(tx.trx, {
    accountId: contact.account_id,
    displayId,
    inboxId: route.inboxId,
    contactId: contact.id,
    contactInboxId: route.contactInboxId,
    at: now,
  });
  const conversation = inserted
    ? await tx.trx
        .updateTable('conversations')
        .set({ status: 'resolved' })
        .where('id', '=', inserted.id)
        .returningAll()
        .executeTakeFirstOrThrow()
    : ((await conversationsRepo.latestFor(tx.trx, route.inboxId, contact.id)) ?? null);
  if (!conversation) throw new Error('Conversation vanished while opening it');
  tx.afterCommit(() =>
    deps.events.publish({
      accountId: conversation.account_id,
      inboxId: conversation.inbox_id,
      name: 'conversation.created',
      data: { id: conversation.id, display_id: conversation.display_id },
    }),
  );
  return conversation;
}

/**
 * Stores an automated outgoing message in the person's conversation (attendants see what was sent),
 * records it on its notification and queues its send, all in the caller's transaction. A conversation
 * opened only to carry it starts resolved, so reminders do not fill the inbox; the person's answer
 * reopens it. The send job is leased to this process so the caller sends right after commit.
 */
export async function queueWhatsAppMessage(
  deps: { jobs: JobSystem; events: EventBus },
  tx: TxContext,
  contact: Reachable,
  route: WhatsAppRoute,
  outgoing: OutgoingAutomated,
  notification: { id: number; values: NotificationQueued },
  now: Date,
): Promise<QueuedWhatsApp> {
  const conversation = route.conversation ?? (await openResolvedConversation(deps, tx, contact, route, now));
  // One statement for the message, the conversation's activity (as recordOutgoing, not by an agent) and
  // the notification: each is a round trip on the embedded database's single connection.
  const message = await tx.trx
    .with('message', (db) =>
      db
        .insertInto('messages')
        .values({
          account_id: contact.account_id,
          inbox_id: conversation.inbox_id,
          conversation_id: conversation.id,
          message_type: outgoing.messageType,
          content_type: outgoing.contentType,
          content: outgoing.content,
          content_attributes: JSON.stringify(outgoing.contentAttributes),
          private: false,
          status: 'queued',
          source_id: null,
          sender_type: null,
          sender_id: null,
          in_reply_to_source_id: null,
          sent_at: now,
        })
        .returningAll(),
    )
    .with('conversation', (db) =>
      db
        .updateTable('conversations')
        .set({ last_activity_at: sql`greatest(last_activity_at, ${now})`, updated_at: sql`now()` })
        .where('id', '=', conversation.id)
        .returning('id'),
    )
    .with('notification', (db) =>
      db
        .updateTable('notifications')
        .set({
          ...notification.values,
          status: 'queued',
          channel: 'whatsapp',
          reason: null,
          attempts: sql`attempts + 1`,
          message_id: (eb) => eb.selectFrom('message').select('message.id'),
          updated_at: sql`now()`,
        })
        .where('id', '=', notification.id)
        .returning('id'),
    )
    .selectFrom('message')
    .selectAll()
    .executeTakeFirstOrThrow();
  const sendJob = await deps.jobs.enqueueClaimed(
    'whatsapp.send_message',
    { messageId: message.id },
    { tx, key: `send:${message.id}`, accountId: contact.account_id },
  );
  const { id: conversationId, display_id: displayId, inbox_id: inboxId } = conversation;
  tx.afterCommit(() =>
    deps.events.publish({
      accountId: contact.account_id,
      inboxId,
      name: 'message.created',
      data: { id: message.id, conversation_id: conversationId, display_id: displayId },
    }),
  );
  return { message, sendJob, sourceId: route.sourceId };
}
