import { MESSAGE_STATUS, serializeAttachment, serializeContact } from '../../compat/chatwoot/serializers.js';
import type { Db } from '../../db/client.js';
import type { Contact, Message, MessageType } from '../../db/schema.js';
import { contactsRepo } from '../../inbox/contacts.repo.js';
import type { ConversationViews } from '../../inbox/conversation-views.js';
import { conversationsRepo } from '../../inbox/conversations.repo.js';

/** Webhooks carry Chatwoot's enum names, not the numbers the REST API uses. */
const MESSAGE_TYPE_NAMES: Record<MessageType, string> = { 0: 'incoming', 1: 'outgoing', 2: 'activity', 3: 'template' };

export interface WebhookData {
  /** The inbox the data belongs to (null for contacts): webhooks limited to an inbox only get its events. */
  inboxId: number | null;
  data: Record<string, unknown>;
}

/**
 * Chatwoot's `webhook_data` of messages, conversations and contacts, rebuilt from our rows when the
 * event is dispatched, so a webhook carries what was committed, not what the event said.
 */
export function createWebhookPayloads(deps: { db: Db; views: ConversationViews; frontendUrl: string }) {
  const { db } = deps;
  const baseUrl = deps.frontendUrl.replace(/\/+$/, '');

  async function accountData(accountId: number) {
    const account = await db
      .selectFrom('accounts')
      .select(['id', 'name'])
      .where('id', '=', accountId)
      .executeTakeFirstOrThrow();
    return { id: account.id, name: account.name };
  }

  function contactData(contact: Contact, account: { id: number; name: string }) {
    const serialized = serializeContact(contact);
    return {
      account,
      additional_attributes: serialized.additional_attributes,
      avatar: serialized.thumbnail,
      custom_attributes: serialized.custom_attributes,
      email: serialized.email,
      id: serialized.id,
      identifier: serialized.identifier,
      name: serialized.name,
      phone_number: serialized.phone_number,
      thumbnail: serialized.thumbnail,
      blocked: serialized.blocked,
      type: 'contact',
    };
  }

  async function conversationData(accountId: number, conversationId: number): Promise<WebhookData | null> {
    const conversation = await conversationsRepo.find(db, accountId, conversationId);
    if (!conversation) return null;
    const [view] = await deps.views.conversationViews(accountId, [conversation]);
    const [contactInbox, inbox] = await Promise.all([
      db
        .selectFrom('contact_inboxes')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('id', '=', conversation.contact_inbox_id)
        .executeTakeFirst(),
      db
        .selectFrom('inboxes')
        .select(['channel_type'])
        .where('account_id', '=', accountId)
        .where('id', '=', conversation.inbox_id)
        .executeTakeFirst(),
    ]);
    if (!view) return null;
    return {
      inboxId: conversation.inbox_id,
      data: {
        ...view,
        channel: inbox?.channel_type === 'api' ? 'Channel::Api' : 'Channel::Whatsapp',
        labels: conversation.labels,
        contact_inbox: contactInbox
          ? {
              id: contactInbox.id,
              contact_id: contactInbox.contact_id,
              inbox_id: contactInbox.inbox_id,
              source_id: contactInbox.source_id,
              created_at: contactInbox.created_at.toISOString(),
              updated_at: contactInbox.created_at.toISOString(),
              hmac_verified: false,
              pubsub_token: null,
            }
          : null,
      },
    };
  }

  async function senderData(message: Message, account: { id: number; name: string }) {
    if (message.sender_type === 'contact' && message.sender_id) {
      const contact = await contactsRepo.find(db, message.account_id, message.sender_id);
      return contact ? contactData(contact, account) : null;
    }
    if (message.sender_type === 'user' && message.sender_id) {
      const user = await db
        .selectFrom('users')
        .select(['id', 'name', 'display_name', 'email'])
        .where('id', '=', message.sender_id)
        .executeTakeFirst();
      return user ? { id: user.id, name: user.display_name ?? user.name, email: user.email, type: 'user' } : null;
    }
    return null;
  }

  async function messageData(accountId: number, messageId: number): Promise<WebhookData | null> {
    const message = await db
      .selectFrom('messages')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', messageId)
      .executeTakeFirst();
    // Chatwoot sends incoming, outgoing and template messages (private notes included), never activity lines.
    if (!message || message.message_type === 2) return null;
    const [account, conversation, inbox, attachments] = await Promise.all([
      accountData(accountId),
      conversationData(accountId, message.conversation_id),
      db
        .selectFrom('inboxes')
        .select(['id', 'name'])
        .where('account_id', '=', accountId)
        .where('id', '=', message.inbox_id)
        .executeTakeFirstOrThrow(),
      db.selectFrom('attachments').selectAll().where('message_id', '=', message.id).orderBy('id').execute(),
    ]);
    if (!conversation) return null;
    const data: Record<string, unknown> = {
      id: message.id,
      content: message.deleted_at ? null : message.content,
      content_type: message.content_type,
      content_attributes: {
        ...(message.content_attributes as Record<string, unknown>),
        ...(message.in_reply_to_source_id ? { in_reply_to_external_id: message.in_reply_to_source_id } : {}),
      },
      message_type: MESSAGE_TYPE_NAMES[message.message_type],
      created_at: message.sent_at.toISOString(),
      private: message.private,
      source_id: message.source_id,
      additional_attributes: {},
      status: MESSAGE_STATUS[message.status] ?? message.status,
      sender: await senderData(message, account),
      inbox: { id: inbox.id, name: inbox.name },
      conversation: conversation.data,
      account,
    };
    // Chatwoot adds the key only when there are attachments; URLs are absolute so a receiver can fetch them.
    if (attachments.length > 0) {
      data.attachments = attachments.map((attachment) => {
        const serialized = serializeAttachment(attachment, accountId);
        return {
          ...serialized,
          data_url: serialized.data_url ? `${baseUrl}${serialized.data_url}` : null,
          thumb_url: serialized.thumb_url ? `${baseUrl}${serialized.thumb_url}` : null,
        };
      });
    }
    return { inboxId: message.inbox_id, data };
  }

  async function contactWebhookData(accountId: number, contactId: number): Promise<WebhookData | null> {
    const contact = await contactsRepo.find(db, accountId, contactId);
    if (!contact) return null;
    return { inboxId: null, data: contactData(contact, await accountData(accountId)) };
  }

  return { messageData, conversationData, contactData: contactWebhookData };
}

export type WebhookPayloads = ReturnType<typeof createWebhookPayloads>;
