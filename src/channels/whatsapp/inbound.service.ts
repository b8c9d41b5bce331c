import type { Kysely } from 'kysely';
import type { BusinessEvents } from '../../automation/business-events.js';
import type { Db } from '../../db/client.js';
import type { Contact, Conversation, Database, Inbox } from '../../db/schema.js';
import { inTransaction, type TxContext } from '../../db/transaction.js';
import { autoAssign, hasAvailableAgent } from '../../inbox/auto-assignment.js';
import { resolveWhatsAppContact, type WhatsAppIdentity } from '../../inbox/contact-resolution.js';
import { contactsRepo } from '../../inbox/contacts.repo.js';
import { conversationFor } from '../../inbox/conversation-for.js';
import { conversationsRepo } from '../../inbox/conversations.repo.js';
import type { InboxesRepo } from '../../inbox/inboxes.repo.js';
import { messagesRepo } from '../../inbox/messages.repo.js';
import type { JobSystem } from '../../jobs/job-system.js';
import type { MessageOutcomes } from '../../notify/message-outcomes.js';
import type { AccountEvent, EventBus } from '../../realtime/event-bus.js';
import { type Clock, systemClock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { type ApplyContext, createInboundBatch, storedWamidKey } from './inbound-batch.js';
import { createInboundEchoes } from './inbound-echo.js';
import { createInboundUpdates } from './inbound-updates.js';
import type { ParsedMessage } from './message-parser.js';
import type { InboundContact, InboundEvent } from './webhook-events.js';

export type { ApplyContext, BatchEvent } from './inbound-batch.js';
export { storedWamidKey };

/**
 * Applies what WhatsApp told us to the conversation engine. Every step is idempotent: a payload
 * processed twice (a retry, a redelivery, a replay) changes nothing the second time.
 */
export function createWhatsAppInboundService(deps: {
  db: Db;
  inboxes: InboxesRepo;
  jobs: JobSystem;
  events: EventBus;
  logger: Logger;
  clock?: Clock;
  /** message.incoming for replies to offers, opt-out keywords, greeting menu and automation rules. */
  businessEvents?: BusinessEvents;
  /** Notifications and business events that follow an outgoing message's status. */
  outcomes?: MessageOutcomes;
}) {
  const publishAll = (tx: TxContext, inboxId: number, events: AccountEvent[]) =>
    tx.afterCommit(() => {
      for (const event of events) deps.events.publish({ ...event, inboxId });
    });

  // A person seen for the first time: contact_created for webhooks and the contacts screen (account-wide).
  const announceContact = (tx: TxContext, created: boolean, contact: Contact) => {
    if (!created) return;
    tx.afterCommit(() =>
      deps.events.publish({
        accountId: contact.account_id,
        name: 'contact.created',
        data: {
          id: contact.id,
          name: contact.name,
          email: contact.email,
          phone_number: contact.phone_number,
          identifier: contact.identifier,
        },
      }),
    );
  };

  /** The person a message is from (or, for an echo, to): found or created, and announced when new. */
  async function contactOf(tx: TxContext, inbox: Inbox, identity: WhatsAppIdentity, context: ApplyContext) {
    const resolved = await resolveWhatsAppContact(tx.trx, inbox, identity, { locked: context.sendersLocked });
    announceContact(tx, resolved.created, resolved.contact);
    return resolved;
  }

  const updates = createInboundUpdates({
    logger: deps.logger,
    outcomes: deps.outcomes,
    publish: publishAll,
    contactOf,
  });
  const echoes = createInboundEchoes({
    publish: publishAll,
    contactOf,
    alreadyStored,
  });

  async function applyMessage(
    tx: TxContext,
    inbox: Inbox,
    contactInfo: InboundContact,
    message: ParsedMessage,
    context: ApplyContext,
  ) {
    if (!message.wamid) throw new Error('Message without an id');
    const at = message.timestamp ?? context.receivedAt;
    // A redelivered message is recognised before anything else changes.
    if (await alreadyStored(tx, inbox, message.wamid, context)) return;
    const { contact, contactInboxId, created: newContact } = await contactOf(tx, inbox, contactInfo, context);
    const isSystem = message.contentType === 'system';
    const { conversation, created } = await conversationFor(
      tx,
      inbox,
      { id: contact.id, created: newContact },
      contactInboxId,
      at,
      !isSystem,
    );
    const stored = await messagesRepo.insert(tx.trx, {
      accountId: inbox.account_id,
      inboxId: inbox.id,
      conversationId: conversation.id,
      messageType: isSystem ? 2 : 0,
      contentType: message.contentType,
      content: message.content,
      contentAttributes: { ...message.contentAttributes, whatsapp_type: message.type },
      status: 'received',
      sourceId: message.wamid,
      senderType: isSystem ? 'system' : 'contact',
      senderId: isSystem ? null : contact.id,
      inReplyToSourceId: message.replyToWamid,
      sentAt: at,
    });
    if (!stored) return;
    if (isSystem) await followNumberChange(tx.trx, inbox, contact.id, message);
    const attachments = await messagesRepo.insertAttachments(
      tx.trx,
      message.attachments.map((attachment) => ({
        accountId: inbox.account_id,
        messageId: stored.id,
        fileType: attachment.fileType,
        externalMediaId: attachment.mediaId,
        mimeType: attachment.mimeType,
        fileName: attachment.fileName,
        sha256: attachment.sha256,
      })),
    );
    for (const attachment of attachments.filter((row) => row.status === 'pending')) {
      await deps.jobs.enqueue(
        'whatsapp.download_media',
        { attachmentId: attachment.id },
        { tx, key: `media:${attachment.id}`, accountId: inbox.account_id },
      );
    }
    // A conversation this message opened was recorded as incoming when it was inserted.
    const recorded =
      isSystem || created
        ? conversation
        : await conversationsRepo.recordIncoming(tx.trx, conversation.id, at, contactInboxId, {
            accountId: inbox.account_id,
            id: contact.id,
          });
    // A conversation that opens (new or reopened) without an assignee goes to the next available agent.
    const updated =
      isSystem || !(await mayAutoAssign(tx, inbox, recorded, context))
        ? recorded
        : await autoAssign(tx, inbox, recorded, deps.clock ?? systemClock);
    if (isSystem) await contactsRepo.update(tx.trx, inbox.account_id, contact.id, { last_activity_at: at });
    const accountId = inbox.account_id;
    if (!isSystem && deps.businessEvents) {
      await deps.businessEvents.record(tx, {
        accountId,
        name: 'message.incoming',
        data: {
          message_id: stored.id,
          conversation_id: updated.id,
          conversation_created: created,
          contact_id: contact.id,
          inbox_id: inbox.id,
          content: stored.content,
          content_type: stored.content_type,
          whatsapp_type: message.type,
          content_attributes: stored.content_attributes,
        },
      });
    }
    publishAll(tx, inbox.id, [
      ...(created
        ? [{ accountId, name: 'conversation.created', data: { id: updated.id, display_id: updated.display_id } }]
        : []),
      ...(!created && updated.status !== conversation.status
        ? [
            {
              accountId,
              name: 'conversation.status_changed',
              data: { id: updated.id, display_id: updated.display_id, status: updated.status },
            },
          ]
        : []),
      ...(!created && updated.assignee_id !== recorded.assignee_id
        ? [
            {
              accountId,
              name: 'conversation.updated',
              data: { id: updated.id, display_id: updated.display_id, assignee_id: updated.assignee_id },
            },
          ]
        : []),
      {
        accountId,
        name: 'message.created',
        data: { id: stored.id, conversation_id: updated.id, display_id: updated.display_id },
      },
    ]);
  }

  // "User A changed from X to Y": later messages from Y belong to the same contact.
  async function followNumberChange(db: Kysely<Database>, inbox: Inbox, contactId: number, message: ParsedMessage) {
    const system = message.contentAttributes.system as { type?: string | null; wa_id?: string | null } | undefined;
    if (system?.type !== 'user_changed_number' || !system.wa_id) return;
    await contactsRepo.ensureContactInbox(db, {
      accountId: inbox.account_id,
      contactId,
      inboxId: inbox.id,
      sourceId: system.wa_id,
    });
  }

  /** Applies one event to its inbox inside the caller's transaction. */
  async function applyIn(tx: TxContext, inbox: Inbox, event: InboundEvent, context: ApplyContext): Promise<void> {
    // Someone we cannot identify (neither wa_id nor user id): kept as an event, not retried forever.
    if ((event.kind === 'message' || event.kind === 'reaction') && !event.contact.waId && !event.contact.userId) {
      return recordEvent(tx, inbox, context, 'unidentified_sender', { event });
    }
    if (event.kind === 'message' && !event.message.wamid) {
      return recordEvent(tx, inbox, context, 'message_without_id', { event });
    }
    switch (event.kind) {
      case 'message':
        return applyMessage(tx, inbox, event.contact, event.message, context);
      case 'status':
        return updates.applyStatus(tx, inbox, event, context.receivedAt);
      case 'reaction':
        return updates.applyReaction(tx, inbox, event, context);
      case 'revoke':
      case 'edit':
        return updates.applyRevokeOrEdit(tx, inbox, event);
      case 'echo':
        return echoes.applyEcho(tx, inbox, event, context);
      case 'channel_event':
        return recordEvent(tx, inbox, context, event.eventKind, event.payload);
    }
  }

  /** autoAssign looks for an agent; a batch that found nobody available in the inbox need not look again. */
  async function mayAutoAssign(tx: TxContext, inbox: Inbox, conversation: Conversation, context: ApplyContext) {
    if (!inbox.enable_auto_assignment || conversation.assignee_id !== null || conversation.status !== 'open') {
      return false;
    }
    const known = context.agentAvailable?.get(inbox.id);
    if (known !== undefined || !context.agentAvailable) return known ?? true;
    const available = await hasAvailableAgent(tx, inbox.id);
    context.agentAvailable.set(inbox.id, available);
    return available;
  }

  async function alreadyStored(tx: TxContext, inbox: Inbox, wamid: string, context: ApplyContext) {
    if (context.storedWamids) return context.storedWamids.has(storedWamidKey(inbox.id, wamid));
    return (await messagesRepo.findBySource(tx.trx, inbox.id, wamid)) !== undefined;
  }

  async function recordEvent(
    tx: TxContext,
    inbox: Inbox,
    context: { rawWebhookId: number; eventKey: string },
    kind: string,
    payload: Record<string, unknown>,
  ) {
    await tx.trx
      .insertInto('channel_events')
      .values({
        account_id: inbox.account_id,
        inbox_id: inbox.id,
        raw_webhook_id: context.rawWebhookId,
        kind,
        payload: JSON.stringify(payload),
        dedupe_key: context.eventKey,
      })
      .onConflict((conflict) => conflict.column('dedupe_key').doNothing())
      .execute();
  }

  /** The inboxes these numbers route to (null: no inbox owns it); looked up before a transaction opens. */
  async function inboxesByPhoneNumberId(phoneNumberIds: Iterable<string>): Promise<Map<string, Inbox | null>> {
    const distinct = [...new Set(phoneNumberIds)];
    const found = await Promise.all(distinct.map((id) => deps.inboxes.findByPhoneNumberId(id)));
    return new Map(distinct.map((id, index) => [id, found[index] ?? null]));
  }

  return {
    applyIn,
    /** Applies a batch's events in order inside the caller's transaction, the usual messages set-based. */
    applyMany: createInboundBatch({
      applyIn,
      publish: publishAll,
      announceContact: (tx, contact) => announceContact(tx, true, contact),
      businessEvents: deps.businessEvents,
    }),
    inboxesByPhoneNumberId,

    /** The inbox an event belongs to: its number's, else the one the webhook came in for. */
    inboxOf(event: InboundEvent, byPhoneNumberId: ReadonlyMap<string, Inbox | null>, fallback: Inbox | null) {
      const phoneNumberId = event.metadata.phoneNumberId;
      return (phoneNumberId ? byPhoneNumberId.get(phoneNumberId) : null) ?? fallback;
    },

    /** Applies one event in a transaction of its own; returns false when no inbox owns its number. */
    async apply(event: InboundEvent, context: ApplyContext & { fallbackInbox: Inbox | null }): Promise<boolean> {
      const byNumber = await inboxesByPhoneNumberId(event.metadata.phoneNumberId ? [event.metadata.phoneNumberId] : []);
      const inbox = this.inboxOf(event, byNumber, context.fallbackInbox);
      if (!inbox) return false;
      await inTransaction(deps.db, (tx) => applyIn(tx, inbox, event, context));
      return true;
    },
  };
}

export type WhatsAppInboundService = ReturnType<typeof createWhatsAppInboundService>;
