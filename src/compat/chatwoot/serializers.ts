import { explainWhatsAppError } from '../../channels/whatsapp/error-reasons.js';
import type { Attachment, Contact, Conversation, Inbox, Message } from '../../db/schema.js';
import { replyWindow } from '../../inbox/window.js';

/** Chatwoot sends times as Unix seconds. */
export const unix = (date: Date | null | undefined) => (date ? Math.floor(date.getTime() / 1000) : null);

const MESSAGE_STATUS: Record<string, string> = {
  received: 'sent',
  queued: 'progress',
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  played: 'read',
  failed: 'failed',
};

export function serializeContact(contact: Contact) {
  return {
    id: contact.id,
    name: contact.name,
    email: contact.email,
    phone_number: contact.phone_number,
    identifier: contact.identifier,
    thumbnail: '',
    availability_status: 'offline',
    blocked: false,
    additional_attributes: contact.additional_attributes,
    custom_attributes: contact.custom_attributes,
    last_activity_at: unix(contact.last_activity_at),
    created_at: unix(contact.created_at),
  };
}

export function serializeInbox(inbox: Inbox, options: { webhookUrl: string }) {
  return {
    id: inbox.id,
    account_id: inbox.account_id,
    name: inbox.name,
    channel_type: inbox.channel_type === 'whatsapp_cloud' ? 'Channel::Whatsapp' : 'Channel::Api',
    provider: inbox.channel_type === 'whatsapp_cloud' ? 'whatsapp_cloud' : null,
    phone_number: inbox.phone_number ? `+${inbox.phone_number}` : null,
    avatar_url: '',
    enable_auto_assignment: inbox.enable_auto_assignment,
    greeting_enabled: false,
    working_hours_enabled: false,
    provider_config: {
      phone_number_id: inbox.phone_number_id,
      business_account_id: inbox.business_account_id,
    },
    // Santana: where Meta must send this inbox's webhooks, and whether the token needs renewing.
    webhook_url: options.webhookUrl,
    reauthorization_required: inbox.reauthorization_required_at !== null,
    reauthorization_reason: inbox.reauthorization_reason,
  };
}

export interface AssigneeSummary {
  id: number;
  name: string;
  display_name: string | null;
  email: string;
}

export function serializeAssignee(user: AssigneeSummary | null | undefined) {
  if (!user) return null;
  return {
    id: user.id,
    name: user.name,
    available_name: user.display_name ?? user.name,
    email: user.email,
    thumbnail: '',
    role: 'agent',
  };
}

export function serializeAttachment(attachment: Attachment, accountId: number) {
  const url = `/api/v1/accounts/${accountId}/attachments/${attachment.id}`;
  return {
    id: attachment.id,
    message_id: attachment.message_id,
    account_id: attachment.account_id,
    file_type: attachment.file_type === 'sticker' ? 'image' : attachment.file_type,
    extension: attachment.file_name?.split('.').pop() ?? null,
    data_url: attachment.status === 'ready' ? url : null,
    thumb_url: attachment.status === 'ready' && attachment.file_type === 'image' ? url : null,
    file_size: attachment.file_size,
    file_name: attachment.file_name,
    mime_type: attachment.mime_type,
    // Santana: pending → ready, or failed with why ("mídia indisponível").
    status: attachment.status,
    error: attachment.status === 'ready' ? null : attachment.error,
    sticker: attachment.file_type === 'sticker',
  };
}

export interface MessageExtras {
  displayId: number;
  attachments: Attachment[];
  reactions: Array<{ emoji: string; reactor_type: string; reactor_id: number }>;
  sender: Record<string, unknown> | null;
}

export function serializeMessage(message: Message, extras: MessageExtras) {
  const attributes = message.content_attributes as Record<string, unknown>;
  return {
    id: message.id,
    content: message.deleted_at ? null : message.content,
    account_id: message.account_id,
    inbox_id: message.inbox_id,
    conversation_id: extras.displayId,
    message_type: message.message_type,
    content_type: message.content_type,
    content_attributes: {
      ...attributes,
      ...(message.in_reply_to_source_id ? { in_reply_to_external_id: message.in_reply_to_source_id } : {}),
      ...(message.deleted_at ? { deleted: true } : {}),
    },
    created_at: unix(message.sent_at),
    updated_at: unix(message.updated_at),
    private: message.private,
    status: MESSAGE_STATUS[message.status] ?? message.status,
    source_id: message.source_id,
    sender_type: message.sender_type === 'contact' ? 'Contact' : message.sender_type === 'user' ? 'User' : null,
    sender_id: message.sender_id,
    external_source_ids: {},
    additional_attributes: {},
    processed_message_content: message.content,
    attachments: extras.attachments.map((attachment) => serializeAttachment(attachment, message.account_id)),
    sender: extras.sender,
    // Santana additions: reactions shown on the message, and why a send failed.
    reactions: extras.reactions,
    whatsapp_status: message.status,
    error:
      message.status === 'failed'
        ? {
            code: message.error_code,
            title: message.error_title,
            details: message.error_details,
            reason:
              (attributes.external_error as string | undefined) ??
              explainWhatsAppError(message.error_code, message.error_title),
          }
        : null,
  };
}

export function serializeConversation(
  conversation: Conversation,
  extras: {
    contact: Contact;
    assignee: AssigneeSummary | null;
    lastMessage: ReturnType<typeof serializeMessage> | null;
    unreadCount: number;
    labels: string[];
    now: Date;
  },
) {
  const window = replyWindow(conversation.last_incoming_at, extras.now);
  return {
    id: conversation.display_id,
    account_id: conversation.account_id,
    inbox_id: conversation.inbox_id,
    status: conversation.status,
    priority: conversation.priority,
    assignee_id: conversation.assignee_id,
    team_id: conversation.team_id,
    labels: extras.labels,
    muted: false,
    can_reply: window.canReply,
    // Santana: when the 24-hour window closes (null: the contact never wrote).
    window_closes_at: window.closesAt?.toISOString() ?? null,
    snoozed_until: unix(conversation.snoozed_until),
    unread_count: extras.unreadCount,
    agent_last_seen_at: unix(conversation.agent_last_seen_at),
    contact_last_seen_at: unix(conversation.contact_last_seen_at),
    first_reply_created_at: unix(conversation.first_reply_created_at),
    waiting_since: unix(conversation.waiting_since),
    last_activity_at: unix(conversation.last_activity_at),
    timestamp: unix(conversation.last_activity_at),
    created_at: unix(conversation.created_at),
    updated_at: unix(conversation.updated_at),
    additional_attributes: conversation.additional_attributes,
    custom_attributes: conversation.custom_attributes,
    messages: extras.lastMessage ? [extras.lastMessage] : [],
    last_non_activity_message: extras.lastMessage,
    meta: {
      sender: serializeContact(extras.contact),
      channel: 'Channel::Whatsapp',
      assignee: serializeAssignee(extras.assignee),
      hmac_verified: false,
    },
  };
}
