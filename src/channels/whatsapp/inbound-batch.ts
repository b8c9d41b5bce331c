import type { BusinessEvents } from '../../automation/business-events.js';
import type { Contact, Conversation, Inbox } from '../../db/schema.js';
import type { TxContext } from '../../db/transaction.js';
import { hasAvailableAgent } from '../../inbox/auto-assignment.js';
import { changesFrom, knownWhatsAppSenders, resolveNewWhatsAppSenders } from '../../inbox/contact-resolution.js';
import { conversationsRepo } from '../../inbox/conversations.repo.js';
import { messagesRepo, type NewMessage } from '../../inbox/messages.repo.js';
import type { AccountEvent } from '../../realtime/event-bus.js';
import { normalizePhone } from '../../shared/phone.js';
import type { ParsedMessage } from './message-parser.js';
import type { InboundContact, InboundEvent } from './webhook-events.js';

export interface ApplyContext {
  rawWebhookId: number;
  eventKey: string;
  receivedAt: Date;
  /** wamids already stored (storedWamidKey), looked up once for a batch; absent: each message looks itself up. */
  storedWamids?: ReadonlySet<string>;
  /** The caller holds every sender's lock (lockSenders): contact resolution need not take it again. */
  sendersLocked?: boolean;
  /** Whether an inbox has an agent available, found once for a batch (autoAssign is skipped when not). */
  agentAvailable?: Map<number, boolean>;
}

export const storedWamidKey = (inboxId: number, wamid: string) => `${inboxId}:${wamid}`;

export interface BatchEvent {
  inbox: Inbox;
  event: InboundEvent;
  context: ApplyContext;
}

interface Known {
  contact: Contact;
  contactInboxId: number;
}

/**
 * A text-like message from a sender the inbox knows (or that the batch just resolved) into their conversation
 * — or, with `conversation` null, the one their first message opens: applied with the others of its run.
 */
interface Planned {
  inbox: Inbox;
  message: ParsedMessage;
  known: Known;
  conversation: Conversation | null;
  at: Date;
}

const personConversationKey = (inboxId: number, contactId: number) => `${inboxId}:${contactId}`;

/** The usual message, as far as the event alone tells: from someone identifiable, with an id, no files. */
function plainMessage(
  event: InboundEvent,
): { contact: InboundContact; message: ParsedMessage; sourceId: string } | null {
  if (event.kind !== 'message') return null;
  const sourceId = event.contact.waId ?? event.contact.userId;
  const { message } = event;
  if (!sourceId || !message.wamid || message.contentType === 'system' || message.attachments.length > 0) return null;
  return { contact: event.contact, message, sourceId };
}

/** Who an event is from (or to, for an echo), when applying it may change a contact or its conversation. */
function personOf(event: InboundEvent): Pick<InboundContact, 'waId' | 'userId'> | null {
  if (event.kind === 'message' || event.kind === 'reaction') return event.contact;
  if (event.kind === 'echo') return { waId: event.to, userId: event.toUserId };
  return null;
}

/** The message a status, edit or revoke is about. */
function targetOf(event: InboundEvent): string | null {
  if (event.kind === 'status') return event.wamid;
  if (event.kind === 'revoke' || event.kind === 'edit') return event.targetWamid;
  return null;
}

/**
 * Applies a batch's events in order, in the caller's transaction, with the usual case set-based: text-like
 * messages are applied a run at a time — senders and conversations read in one query each (senders new to
 * the inbox resolved or created together), the conversations first messages open inserted in one statement
 * per account, messages in one (ids in arrival order), then conversations and contacts updated in one —
 * instead of ~5 statements each. Everything else (media, system messages, statuses, reactions, echoes, a
 * contact WhatsApp would update, a conversation someone may be auto-assigned to) goes through `applyIn` one
 * by one, and the pending run is written first whenever that event could touch it.
 */
export function createInboundBatch(deps: {
  applyIn: (tx: TxContext, inbox: Inbox, event: InboundEvent, context: ApplyContext) => Promise<void>;
  publish: (tx: TxContext, inboxId: number, events: AccountEvent[]) => void;
  /** contact.created for a person seen for the first time (account-wide). */
  announceContact: (tx: TxContext, contact: Contact) => void;
  businessEvents?: BusinessEvents;
}) {
  async function loadSnapshot(tx: TxContext, events: BatchEvent[]) {
    const sourceIdsByInbox = new Map<number, { inbox: Inbox; senders: Map<string, InboundContact> }>();
    for (const { inbox, event } of events) {
      const plain = plainMessage(event);
      if (!plain) continue;
      const entry = sourceIdsByInbox.get(inbox.id) ?? { inbox, senders: new Map() };
      if (!entry.senders.has(plain.sourceId)) entry.senders.set(plain.sourceId, plain.contact);
      sourceIdsByInbox.set(inbox.id, entry);
    }
    // A number change ("User A changed from X to Y") decides whom Y is: new people wait for it, one by one.
    const numberChange = events.some(({ event }) => event.kind === 'message' && event.message.contentType === 'system');
    const snapshot = new Map<number, { senders: Map<string, Known>; conversations: Map<number, Conversation> }>();
    for (const [inboxId, { inbox, senders: identities }] of sourceIdsByInbox) {
      const senders = await knownWhatsAppSenders(tx.trx, inbox, [...identities.keys()]);
      const unknown = [...identities].flatMap(([sourceId, identity]) => (senders.has(sourceId) ? [] : [identity]));
      if (!numberChange && unknown.length > 0) {
        const announced = new Set<number>();
        for (const [sourceId, resolved] of await resolveNewWhatsAppSenders(tx.trx, inbox, unknown)) {
          senders.set(sourceId, { contact: resolved.contact, contactInboxId: resolved.contactInboxId });
          if (resolved.created && !announced.has(resolved.contact.id)) {
            announced.add(resolved.contact.id);
            deps.announceContact(tx, resolved.contact);
          }
        }
      }
      const contactIds = [...senders.values()].map((known) => known.contact.id);
      const latest = await conversationsRepo.latestForContacts(tx.trx, inboxId, contactIds);
      snapshot.set(inboxId, { senders, conversations: new Map(latest.map((row) => [row.contact_id, row])) });
    }
    return snapshot;
  }

  /**
   * Opens, in one statement per account, the conversations that the run's first messages from people
   * without one open. Throws if one appeared meanwhile (an agent started it): the batch is then applied again
   * one webhook at a time, the usual way.
   */
  async function openConversations(tx: TxContext, run: Planned[]): Promise<Map<string, Conversation>> {
    const byAccount = new Map<number, Map<string, OpeningConversation>>();
    for (const { inbox, known, conversation, at } of run) {
      if (conversation) continue;
      const key = personConversationKey(inbox.id, known.contact.id);
      const openings = byAccount.get(inbox.account_id) ?? new Map<string, OpeningConversation>();
      if (!openings.has(key)) {
        openings.set(key, {
          inboxId: inbox.id,
          contactId: known.contact.id,
          contactInboxId: known.contactInboxId,
          at,
        });
      }
      byAccount.set(inbox.account_id, openings);
    }
    const opened = new Map<string, Conversation>();
    for (const [accountId, openings] of byAccount) {
      const rows = await conversationsRepo.openManyForIncoming(tx.trx, accountId, [...openings.values()]);
      for (const row of rows) opened.set(personConversationKey(row.inbox_id, row.contact_id), row);
      if (rows.length !== openings.size) throw new Error('A conversation appeared while the batch was opening it');
    }
    return opened;
  }

  /**
   * Writes a run: the conversations it opens, one INSERT of its messages, one UPDATE of their conversations
   * (and contacts), then events. Returns the conversations it opened, by personConversationKey.
   */
  async function flush(tx: TxContext, run: Planned[]): Promise<Map<string, Conversation>> {
    if (run.length === 0) return new Map();
    const opened = await openConversations(tx, run);
    const placed = run.map((planned) => {
      const conversation =
        planned.conversation ?? opened.get(personConversationKey(planned.inbox.id, planned.known.contact.id));
      if (!conversation) throw new Error('A planned message has no conversation');
      return { ...planned, conversation };
    });
    const inserted = await messagesRepo.insertMany(tx.trx, placed.map(newMessage));
    const byWamid = new Map(inserted.map((row) => [storedWamidKey(row.inbox_id, row.source_id ?? ''), row]));
    const stored = placed.flatMap((planned) => {
      const row = byWamid.get(storedWamidKey(planned.inbox.id, planned.message.wamid));
      return row ? [{ ...planned, row }] : [];
    });
    // As recordIncoming one message after another: the first one starts the wait, the last one is the latest.
    const conversations = new Map<number, { id: number; firstAt: Date; lastAt: Date; contactInboxId: number }>();
    const contacts = new Map<number, { accountId: number; id: number; at: Date }>();
    for (const { conversation, known, at } of stored) {
      const seen = conversations.get(conversation.id);
      conversations.set(conversation.id, {
        id: conversation.id,
        firstAt: seen?.firstAt ?? at,
        lastAt: seen && seen.lastAt > at ? seen.lastAt : at,
        contactInboxId: known.contactInboxId,
      });
      contacts.set(known.contact.id, { accountId: known.contact.account_id, id: known.contact.id, at });
    }
    const updated = new Map(
      (await conversationsRepo.recordIncomingMany(tx.trx, [...conversations.values()], [...contacts.values()])).map(
        (row) => [row.id, row],
      ),
    );
    const openedIds = new Set([...opened.values()].map((conversation) => conversation.id));
    const announced = new Set<number>();
    for (const { inbox, message, known, row } of stored) {
      const conversation = updated.get(row.conversation_id);
      if (!conversation) throw new Error(`Conversation ${row.conversation_id} vanished while recording a message`);
      const accountId = inbox.account_id;
      // The first message of a conversation it opened is the one that created it (as in applyMessage).
      const created = openedIds.has(conversation.id) && !announced.has(conversation.id);
      if (deps.businessEvents) {
        await deps.businessEvents.record(tx, {
          accountId,
          name: 'message.incoming',
          data: {
            message_id: row.id,
            conversation_id: conversation.id,
            conversation_created: created,
            contact_id: known.contact.id,
            inbox_id: inbox.id,
            content: row.content,
            content_type: row.content_type,
            whatsapp_type: message.type,
            content_attributes: row.content_attributes,
          },
        });
      }
      const reopened = !announced.has(conversation.id) && conversation.previous_status !== conversation.status;
      announced.add(conversation.id);
      deps.publish(tx, inbox.id, [
        ...(created
          ? [
              {
                accountId,
                name: 'conversation.created',
                data: { id: conversation.id, display_id: conversation.display_id },
              },
            ]
          : []),
        ...(reopened
          ? [
              {
                accountId,
                name: 'conversation.status_changed',
                data: { id: conversation.id, display_id: conversation.display_id, status: conversation.status },
              },
            ]
          : []),
        {
          accountId,
          name: 'message.created',
          data: { id: row.id, conversation_id: conversation.id, display_id: conversation.display_id },
        },
      ]);
    }
    return opened;
  }

  return async function applyBatch(tx: TxContext, events: BatchEvent[], storedWamids: Set<string>): Promise<void> {
    let snapshot: Awaited<ReturnType<typeof loadSnapshot>> | undefined;
    // People the one-by-one path has touched since the snapshot was read: their rows there may be stale.
    const touched = { contactIds: new Set<number>(), bsuids: new Set<string>(), phoneKeys: new Set<string>() };
    const isTouched = (contact: Contact) =>
      touched.contactIds.has(contact.id) ||
      (contact.bsuid !== null && touched.bsuids.has(contact.bsuid)) ||
      (contact.phone_key !== null && touched.phoneKeys.has(contact.phone_key));
    let run: Planned[] = [];
    const pending = new Set<string>();
    // Conversations a flushed run opened: the same person's next messages go into them.
    const remember = (opened: Map<string, Conversation>) => {
      for (const conversation of opened.values()) {
        snapshot?.get(conversation.inbox_id)?.conversations.set(conversation.contact_id, conversation);
      }
    };

    const plan = async (index: number, item: BatchEvent): Promise<Planned | null> => {
      const plain = plainMessage(item.event);
      if (!plain) return null;
      const { inbox } = item;
      snapshot ??= await loadSnapshot(tx, events.slice(index));
      let known = snapshot.get(inbox.id)?.senders.get(plain.sourceId);
      if (known && isTouched(known.contact)) {
        snapshot = await loadSnapshot(tx, events.slice(index));
        for (const set of Object.values(touched)) set.clear();
        known = snapshot.get(inbox.id)?.senders.get(plain.sourceId);
      }
      if (!known || Object.keys(changesFrom(known.contact, plain.contact)).length > 0) return null;
      // None yet: this message opens it (in flush).
      const conversation = snapshot.get(inbox.id)?.conversations.get(known.contact.id) ?? null;
      // autoAssign would look for an agent: only when nobody in the inbox is available can it be skipped.
      if (inbox.enable_auto_assignment && (conversation === null || conversation.assignee_id === null)) {
        const available = item.context.agentAvailable ?? new Map<number, boolean>();
        if (!available.has(inbox.id)) available.set(inbox.id, await hasAvailableAgent(tx, inbox.id));
        if (available.get(inbox.id)) return null;
      }
      return {
        inbox,
        message: plain.message,
        known,
        conversation,
        at: plain.message.timestamp ?? item.context.receivedAt,
      };
    };

    for (const [index, item] of events.entries()) {
      const wamid = plainMessage(item.event)?.message.wamid;
      // A redelivered message changes nothing (as in applyMessage); a wamid twice in the batch counts once.
      if (wamid && storedWamids.has(storedWamidKey(item.inbox.id, wamid))) continue;
      const planned = await plan(index, item);
      if (planned && wamid) {
        run.push(planned);
        pending.add(storedWamidKey(item.inbox.id, wamid));
        storedWamids.add(storedWamidKey(item.inbox.id, wamid));
        continue;
      }
      const person = personOf(item.event);
      const target = targetOf(item.event);
      // Statuses, edits and channel events of other messages do not touch the run: it keeps growing.
      if (person || (target && pending.has(storedWamidKey(item.inbox.id, target)))) {
        remember(await flush(tx, run));
        run = [];
        pending.clear();
      }
      await deps.applyIn(tx, item.inbox, item.event, item.context);
      if (person && snapshot) {
        const sourceId = person.waId ?? person.userId;
        const known = sourceId ? snapshot.get(item.inbox.id)?.senders.get(sourceId) : undefined;
        if (known) touched.contactIds.add(known.contact.id);
        if (person.userId) touched.bsuids.add(person.userId);
        const phone = person.waId ? normalizePhone(person.waId) : null;
        if (phone) touched.phoneKeys.add(phone.key);
      }
    }
    await flush(tx, run);
  };
}

interface OpeningConversation {
  inboxId: number;
  contactId: number;
  contactInboxId: number;
  at: Date;
}

function newMessage({ inbox, message, known, conversation, at }: Planned & { conversation: Conversation }): NewMessage {
  return {
    accountId: inbox.account_id,
    inboxId: inbox.id,
    conversationId: conversation.id,
    messageType: 0,
    contentType: message.contentType,
    content: message.content,
    contentAttributes: { ...message.contentAttributes, whatsapp_type: message.type },
    status: 'received',
    sourceId: message.wamid,
    senderType: 'contact',
    senderId: known.contact.id,
    inReplyToSourceId: message.replyToWamid,
    sentAt: at,
  };
}
