import type { Kysely } from 'kysely';
import type { Db } from '../../db/client.js';
import type { Contact, Database, Inbox, MessageStatus } from '../../db/schema.js';
import { inTransaction, type TxContext } from '../../db/transaction.js';
import { autoAssign } from '../../inbox/auto-assignment.js';
import { resolveWhatsAppContact } from '../../inbox/contact-resolution.js';
import { contactsRepo } from '../../inbox/contacts.repo.js';
import { conversationsRepo } from '../../inbox/conversations.repo.js';
import type { InboxesRepo } from '../../inbox/inboxes.repo.js';
import { messagesRepo, type StatusChange } from '../../inbox/messages.repo.js';
import type { JobSystem } from '../../jobs/job-system.js';
import type { AccountEvent, EventBus } from '../../realtime/event-bus.js';
import { type Clock, systemClock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { ParsedMessage } from './message-parser.js';
import type { ChangeMetadata, InboundContact, InboundEvent } from './webhook-events.js';

const KNOWN_STATUSES = new Set<MessageStatus>(['sent', 'delivered', 'read', 'played', 'failed']);

/** Opens (or reopens) the conversation of a contact inbox for a message at `at`. */
async function conversationFor(tx: TxContext, inbox: Inbox, contactId: number, contactInboxId: number, at: Date) {
  const latest = await conversationsRepo.latestFor(tx.trx, inbox.id, contactId);
  if (latest) return { conversation: latest, created: false };
  const displayId = await conversationsRepo.nextDisplayId(tx.trx, inbox.account_id);
  const inserted = await conversationsRepo.insert(tx.trx, {
    accountId: inbox.account_id,
    displayId,
    inboxId: inbox.id,
    contactId,
    contactInboxId,
    at,
  });
  if (inserted) return { conversation: inserted, created: true };
  const raced = await conversationsRepo.latestFor(tx.trx, inbox.id, contactId);
  if (!raced) throw new Error('Conversation vanished while opening it');
  return { conversation: raced, created: false };
}

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

  async function applyMessage(inbox: Inbox, contactInfo: InboundContact, message: ParsedMessage, receivedAt: Date) {
    if (!message.wamid) throw new Error('Message without an id');
    const at = message.timestamp ?? receivedAt;
    await inTransaction(deps.db, async (tx) => {
      // A redelivered message is recognised before anything else changes.
      if (await messagesRepo.findBySource(tx.trx, inbox.id, message.wamid)) return;
      const { contact, contactInboxId, created: newContact } = await resolveWhatsAppContact(tx.trx, inbox, contactInfo);
      announceContact(tx, newContact, contact);
      const { conversation, created } = await conversationFor(tx, inbox, contact.id, contactInboxId, at);
      const isSystem = message.contentType === 'system';
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
      const recorded = isSystem
        ? conversation
        : await conversationsRepo.recordIncoming(tx.trx, conversation.id, at, contactInboxId);
      // A conversation that opens (new or reopened) without an assignee goes to the next available agent.
      const updated = isSystem ? recorded : await autoAssign(tx, inbox, recorded, deps.clock ?? systemClock);
      await contactsRepo.update(tx.trx, inbox.account_id, contact.id, { last_activity_at: at });
      const accountId = inbox.account_id;
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
    });
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

  async function applyStatus(inbox: Inbox, event: Extract<InboundEvent, { kind: 'status' }>, receivedAt: Date) {
    const status = event.status as MessageStatus;
    if (!KNOWN_STATUSES.has(status)) {
      deps.logger.info({ status: event.status, wamid: event.wamid }, 'Ignoring an unknown WhatsApp status');
      return;
    }
    const error = event.errors[0];
    const change: StatusChange = {
      status,
      at: event.at ?? receivedAt,
      errorCode: error?.code ?? null,
      errorTitle: error?.title ?? error?.message ?? null,
      errorDetails: error?.error_data?.details ?? null,
    };
    await inTransaction(deps.db, async (tx) => {
      const updated = await messagesRepo.advanceStatus(tx.trx, inbox.id, event.wamid, change);
      if (updated) {
        publishAll(tx, inbox.id, [
          {
            accountId: inbox.account_id,
            name: 'message.updated',
            data: { id: updated.id, conversation_id: updated.conversation_id, status: updated.status },
          },
        ]);
        return;
      }
      // Unknown message: keep the status until the message appears (e.g. the send job not finished yet).
      if (!(await messagesRepo.findBySource(tx.trx, inbox.id, event.wamid))) {
        await messagesRepo.addPendingStatus(tx.trx, {
          inboxId: inbox.id,
          sourceId: event.wamid,
          change,
          payload: event.raw,
        });
      }
    });
  }

  async function applyReaction(inbox: Inbox, event: Extract<InboundEvent, { kind: 'reaction' }>, receivedAt: Date) {
    await inTransaction(deps.db, async (tx) => {
      const { contact, created: newContact } = await resolveWhatsAppContact(tx.trx, inbox, event.contact);
      announceContact(tx, newContact, contact);
      await messagesRepo.setReaction(tx.trx, {
        accountId: inbox.account_id,
        inboxId: inbox.id,
        targetSourceId: event.targetWamid,
        reactorType: 'contact',
        reactorId: contact.id,
        emoji: event.emoji,
        at: event.at ?? receivedAt,
      });
      const target = await messagesRepo.findBySource(tx.trx, inbox.id, event.targetWamid);
      if (target) {
        publishAll(tx, inbox.id, [
          {
            accountId: inbox.account_id,
            name: 'message.updated',
            data: { id: target.id, conversation_id: target.conversation_id },
          },
        ]);
      }
    });
  }

  async function applyRevokeOrEdit(inbox: Inbox, event: Extract<InboundEvent, { kind: 'revoke' | 'edit' }>) {
    await inTransaction(deps.db, async (tx) => {
      const target = await messagesRepo.findBySource(tx.trx, inbox.id, event.targetWamid);
      if (!target) {
        deps.logger.info({ target: event.targetWamid, kind: event.kind }, 'Revoke/edit for a message we do not have');
        return;
      }
      const attributes = target.content_attributes as Record<string, unknown>;
      const updated =
        event.kind === 'revoke'
          ? await messagesRepo.updateContent(tx.trx, target.id, {
              contentAttributes: { ...attributes, deleted: true, revoked_at: new Date().toISOString() },
              deleted: true,
            })
          : await messagesRepo.updateContent(tx.trx, target.id, {
              content: event.edited.content,
              contentAttributes: {
                ...attributes,
                edited: true,
                previous_contents: [...((attributes.previous_contents as unknown[]) ?? []), target.content],
              },
            });
      publishAll(tx, inbox.id, [
        {
          accountId: inbox.account_id,
          name: 'message.updated',
          data: { id: updated.id, conversation_id: updated.conversation_id },
        },
      ]);
    });
  }

  async function applyEcho(inbox: Inbox, event: Extract<InboundEvent, { kind: 'echo' }>, receivedAt: Date) {
    // A message the business sent from the WhatsApp Business app (coexistence): shown as outgoing.
    const at = event.message.timestamp ?? receivedAt;
    await inTransaction(deps.db, async (tx) => {
      if (await messagesRepo.findBySource(tx.trx, inbox.id, event.message.wamid)) return;
      const contactInfo = { waId: event.to, userId: event.toUserId, parentUserId: null, profileName: null };
      const { contact, contactInboxId, created: newContact } = await resolveWhatsAppContact(tx.trx, inbox, contactInfo);
      announceContact(tx, newContact, contact);
      const { conversation } = await conversationFor(tx, inbox, contact.id, contactInboxId, at);
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
      publishAll(tx, inbox.id, [
        {
          accountId: inbox.account_id,
          name: 'message.created',
          data: { id: stored.id, conversation_id: conversation.id },
        },
      ]);
    });
  }

  return {
    /** Applies one event to the inbox it belongs to; returns false when no inbox owns its number. */
    async apply(
      event: InboundEvent,
      context: { rawWebhookId: number; eventKey: string; receivedAt: Date; fallbackInbox: Inbox | null },
    ) {
      const inbox = await inboxFor(event.metadata, context.fallbackInbox);
      if (!inbox) return false;
      // Someone we cannot identify (neither wa_id nor user id): kept as an event, not retried forever.
      if ((event.kind === 'message' || event.kind === 'reaction') && !event.contact.waId && !event.contact.userId) {
        await recordEvent(inbox, context, 'unidentified_sender', { event });
        return true;
      }
      if (event.kind === 'message' && !event.message.wamid) {
        await recordEvent(inbox, context, 'message_without_id', { event });
        return true;
      }
      switch (event.kind) {
        case 'message':
          await applyMessage(inbox, event.contact, event.message, context.receivedAt);
          break;
        case 'status':
          await applyStatus(inbox, event, context.receivedAt);
          break;
        case 'reaction':
          await applyReaction(inbox, event, context.receivedAt);
          break;
        case 'revoke':
        case 'edit':
          await applyRevokeOrEdit(inbox, event);
          break;
        case 'echo':
          await applyEcho(inbox, event, context.receivedAt);
          break;
        case 'channel_event':
          await recordEvent(inbox, context, event.eventKind, event.payload);
          break;
      }
      return true;
    },
  };

  async function recordEvent(
    inbox: Inbox,
    context: { rawWebhookId: number; eventKey: string },
    kind: string,
    payload: Record<string, unknown>,
  ) {
    await deps.db
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

  async function inboxFor(metadata: ChangeMetadata, fallback: Inbox | null): Promise<Inbox | null> {
    if (metadata.phoneNumberId) {
      const inbox = await deps.inboxes.findByPhoneNumberId(metadata.phoneNumberId);
      if (inbox) return inbox;
    }
    return fallback;
  }
}

export type WhatsAppInboundService = ReturnType<typeof createWhatsAppInboundService>;
