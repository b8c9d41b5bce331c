import { automationView } from '../../automation/inbox-hours/inbox-settings.js';
import { explainWhatsAppError } from '../../channels/whatsapp/error-reasons.js';
import type { Attachment, Contact, Conversation, Inbox, Message } from '../../db/schema.js';
import type { CannedResponse } from '../../inbox/canned-responses.repo.js';
import type { ContactInboxView } from '../../inbox/contact-inboxes.js';
import type { Label } from '../../inbox/labels.repo.js';
import type { TeamView } from '../../inbox/teams.repo.js';
import { replyWindow } from '../../inbox/window.js';

/** Chatwoot sends times as Unix seconds. */
export const unix = (date: Date | null | undefined) => (date ? Math.floor(date.getTime() / 1000) : null);

/** Santana's message statuses as Chatwoot names them. */
export const MESSAGE_STATUS: Record<string, string> = {
  received: 'sent',
  queued: 'progress',
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  played: 'read',
  failed: 'failed',
};

/** Where a contact can be reached (Chatwoot's contact_inbox): the inbox and the channel's id for the contact. */
export function serializeContactInbox(contactInbox: ContactInboxView) {
  const { inbox } = contactInbox;
  const whatsapp = inbox.channel_type === 'whatsapp_cloud';
  return {
    source_id: contactInbox.source_id,
    inbox: {
      id: inbox.id,
      channel_id: inbox.id,
      name: inbox.name,
      channel_type: whatsapp ? 'Channel::Whatsapp' : 'Channel::Api',
      provider: whatsapp ? 'whatsapp_cloud' : null,
      phone_number: inbox.phone_number ? `+${inbox.phone_number}` : null,
      avatar_url: '',
    },
  };
}

/** Chatwoot's contact; `contact_inboxes` only when given (lists and the contact's own endpoints). */
export function serializeContact(contact: Contact, contactInboxes?: ContactInboxView[]) {
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
    ...(contactInboxes ? { contact_inboxes: contactInboxes.map(serializeContactInbox) } : {}),
  };
}

/** Where Meta must deliver an inbox's webhooks (the path routes straight to it); null for non-WhatsApp inboxes. */
export function inboxWebhookUrl(frontendUrl: string, inbox: Inbox): string | null {
  if (inbox.channel_type !== 'whatsapp_cloud') return null;
  const key = inbox.phone_number ?? inbox.phone_number_id;
  return key ? `${frontendUrl.replace(/\/+$/, '')}/webhooks/whatsapp/${key}` : null;
}

/**
 * Chatwoot's inbox. Credentials never leave the server: only the verify token, which administrators must
 * paste into the Meta app, is shown, and only when `verifyToken` is passed (administrators).
 */
export function serializeInbox(
  inbox: Inbox,
  options: { webhookUrl: string | null; verifyToken?: string | null; timeZone: string },
) {
  const whatsapp = inbox.channel_type === 'whatsapp_cloud';
  return {
    id: inbox.id,
    account_id: inbox.account_id,
    channel_id: inbox.id,
    name: inbox.name,
    channel_type: whatsapp ? 'Channel::Whatsapp' : 'Channel::Api',
    provider: whatsapp ? 'whatsapp_cloud' : null,
    phone_number: inbox.phone_number ? `+${inbox.phone_number}` : null,
    avatar_url: '',
    enable_auto_assignment: inbox.enable_auto_assignment,
    // Business hours, out-of-office and greeting (with Santana's greeting_menu).
    ...automationView(inbox, options.timeZone),
    provider_config: whatsapp
      ? {
          phone_number_id: inbox.phone_number_id,
          business_account_id: inbox.business_account_id,
          ...(options.verifyToken === undefined ? {} : { webhook_verify_token: options.verifyToken }),
        }
      : null,
    // Santana: where Meta must send this inbox's webhooks, whether the token needs renewing, template sync health.
    webhook_url: options.webhookUrl,
    reauthorization_required: inbox.reauthorization_required_at !== null,
    reauthorization_required_at: unix(inbox.reauthorization_required_at),
    reauthorization_reason: inbox.reauthorization_reason,
    templates_synced_at: unix(inbox.templates_synced_at),
    templates_sync_error: inbox.templates_sync_error,
    created_at: unix(inbox.created_at),
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
    // A deleted message keeps only "Esta mensagem foi apagada" (its text and files are gone).
    content: message.content,
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
    team: { id: number; name: string } | null;
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
      team: extras.team,
      hmac_verified: false,
    },
  };
}

export function serializeTeam(team: TeamView) {
  return {
    id: team.id,
    name: team.name,
    description: team.description,
    allow_auto_assign: team.allow_auto_assign,
    account_id: team.account_id,
    is_member: team.is_member,
  };
}

export function serializeLabel(label: Label) {
  return {
    id: label.id,
    title: label.title,
    description: label.description,
    color: label.color,
    show_on_sidebar: label.show_on_sidebar,
  };
}

/** Chatwoot renders canned responses with Rails' defaults: times as ISO strings. */
export function serializeCannedResponse(response: CannedResponse) {
  return {
    id: response.id,
    account_id: response.account_id,
    short_code: response.short_code,
    content: response.content,
    created_at: response.created_at.toISOString(),
    updated_at: response.updated_at.toISOString(),
  };
}
