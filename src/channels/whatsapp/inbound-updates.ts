import type { Contact, Inbox, MessageStatus } from '../../db/schema.js';
import type { TxContext } from '../../db/transaction.js';
import type { WhatsAppIdentity } from '../../inbox/contact-resolution.js';
import { messagesRepo, type StatusChange } from '../../inbox/messages.repo.js';
import type { MessageOutcomes } from '../../notify/message-outcomes.js';
import type { AccountEvent } from '../../realtime/event-bus.js';
import type { Logger } from '../../shared/logger.js';
import type { ApplyContext } from './inbound-batch.js';
import type { InboundEvent } from './webhook-events.js';

/** Finds or creates the person a message is from (or to), announcing a new one. */
export type ContactOf = (
  tx: TxContext,
  inbox: Inbox,
  identity: WhatsAppIdentity,
  context: ApplyContext,
) => Promise<{ contact: Contact; contactInboxId: number; created: boolean }>;

const KNOWN_STATUSES = new Set<MessageStatus>(['sent', 'delivered', 'read', 'played', 'failed']);

/** What WhatsApp says about messages already sent or received: statuses, reactions, revokes and edits. */
export function createInboundUpdates(deps: {
  logger: Logger;
  outcomes?: MessageOutcomes;
  publish: (tx: TxContext, inboxId: number, events: AccountEvent[]) => void;
  contactOf: ContactOf;
}) {
  async function applyStatus(
    tx: TxContext,
    inbox: Inbox,
    event: Extract<InboundEvent, { kind: 'status' }>,
    receivedAt: Date,
  ) {
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
    const updated = await messagesRepo.advanceStatus(tx.trx, inbox.id, event.wamid, change);
    if (updated) {
      await deps.outcomes?.onStatus(tx, updated);
      deps.publish(tx, inbox.id, [
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
  }

  async function applyReaction(
    tx: TxContext,
    inbox: Inbox,
    event: Extract<InboundEvent, { kind: 'reaction' }>,
    context: ApplyContext,
  ) {
    const { receivedAt } = context;
    const { contact } = await deps.contactOf(tx, inbox, event.contact, context);
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
      deps.publish(tx, inbox.id, [
        {
          accountId: inbox.account_id,
          name: 'message.updated',
          data: { id: target.id, conversation_id: target.conversation_id },
        },
      ]);
    }
  }

  async function applyRevokeOrEdit(
    tx: TxContext,
    inbox: Inbox,
    event: Extract<InboundEvent, { kind: 'revoke' | 'edit' }>,
  ) {
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
    deps.publish(tx, inbox.id, [
      {
        accountId: inbox.account_id,
        name: 'message.updated',
        data: { id: updated.id, conversation_id: updated.conversation_id },
      },
    ]);
  }

  return { applyStatus, applyReaction, applyRevokeOrEdit };
}
