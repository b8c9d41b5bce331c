import { apiRequest } from '../../shared/api-client';

/** Shapes of the Chatwoot-compatible API (src/compat/chatwoot/serializers.ts) the inbox screens use. */

export interface Contact {
  id: number;
  name: string;
  email: string | null;
  phone_number: string | null;
  identifier: string | null;
  thumbnail: string;
  additional_attributes: Record<string, unknown>;
  custom_attributes: Record<string, unknown>;
  last_activity_at: number | null;
  created_at: number | null;
}

export interface Agent {
  id: number;
  name: string;
  available_name: string;
  email: string;
  role?: string;
  availability_status?: string;
}

export interface Attachment {
  id: number;
  message_id: number;
  file_type: 'image' | 'audio' | 'video' | 'file' | 'location' | 'fallback';
  extension: string | null;
  data_url: string | null;
  thumb_url: string | null;
  file_size: number | null;
  file_name: string | null;
  mime_type: string | null;
  status: 'pending' | 'ready' | 'failed';
  error: string | null;
  sticker: boolean;
}

export interface Reaction {
  emoji: string;
  reactor_type: 'contact' | 'user';
  reactor_id: number;
}

/** 0 incoming, 1 outgoing, 2 activity, 3 template. */
export type MessageType = 0 | 1 | 2 | 3;

export interface Message {
  id: number;
  content: string | null;
  conversation_id: number;
  inbox_id: number;
  message_type: MessageType;
  content_type: string;
  content_attributes: Record<string, unknown>;
  created_at: number;
  updated_at: number | null;
  private: boolean;
  /** Chatwoot's: progress (queued) | sent | delivered | read | failed. */
  status: string;
  /** Santana's exact WhatsApp state: received | queued | sent | delivered | read | played | failed. */
  whatsapp_status: string;
  source_id: string | null;
  sender_type: 'Contact' | 'User' | null;
  sender_id: number | null;
  sender: (Record<string, unknown> & { name?: string; available_name?: string; type?: string }) | null;
  attachments: Attachment[];
  reactions: Reaction[];
  error: { code: string | null; title: string | null; details: string | null; reason: string } | null;
}

export type ConversationStatus = 'open' | 'pending' | 'resolved' | 'snoozed';
export type Priority = 'low' | 'medium' | 'high' | 'urgent' | null;

export interface Conversation {
  id: number;
  account_id: number;
  inbox_id: number;
  status: ConversationStatus;
  priority: Priority;
  assignee_id: number | null;
  team_id: number | null;
  labels: string[];
  can_reply: boolean;
  window_closes_at: string | null;
  snoozed_until: number | null;
  unread_count: number;
  agent_last_seen_at: number | null;
  waiting_since: number | null;
  last_activity_at: number;
  created_at: number;
  custom_attributes: Record<string, unknown>;
  additional_attributes: Record<string, unknown>;
  last_non_activity_message: Message | null;
  meta: {
    sender: Contact;
    assignee: Agent | null;
    team: { id: number; name: string } | null;
    channel: string;
  };
}

export interface ConversationCounts {
  mine_count: number;
  unassigned_count: number;
  assigned_count: number;
  all_count: number;
}

export interface ConversationQuery {
  status: ConversationStatus | 'all';
  assignee_type: 'me' | 'unassigned' | 'all';
  inbox_id?: number;
  team_id?: number;
  labels?: string[];
  q?: string;
  page?: number;
}

const base = (accountId: number) => `/api/v1/accounts/${accountId}`;

function queryString(query: ConversationQuery): string {
  const params = new URLSearchParams({ status: query.status, assignee_type: query.assignee_type });
  if (query.inbox_id) params.set('inbox_id', String(query.inbox_id));
  if (query.team_id) params.set('team_id', String(query.team_id));
  for (const label of query.labels ?? []) params.append('labels[]', label);
  if (query.q) params.set('q', query.q);
  if (query.page) params.set('page', String(query.page));
  return params.toString();
}

export const listConversations = (accountId: number, query: ConversationQuery) =>
  apiRequest<{ data: { meta: ConversationCounts; payload: Conversation[] } }>(
    'GET',
    `${base(accountId)}/conversations?${queryString(query)}`,
  ).then((response) => response.data);

export const getConversation = (accountId: number, displayId: number) =>
  apiRequest<Conversation>('GET', `${base(accountId)}/conversations/${displayId}`);

export const listMessages = (
  accountId: number,
  displayId: number,
  options: { before?: number; after?: number } = {},
) => {
  const params = new URLSearchParams();
  if (options.before) params.set('before', String(options.before));
  if (options.after) params.set('after', String(options.after));
  return apiRequest<{ meta: Record<string, unknown>; payload: Message[] }>(
    'GET',
    `${base(accountId)}/conversations/${displayId}/messages?${params}`,
  );
};

export interface NewMessage {
  content?: string;
  private?: boolean;
  content_attributes?: Record<string, unknown>;
  template_params?: {
    name: string;
    category?: string;
    language: string;
    processed_params: Record<string, unknown>;
  };
}

export const sendMessage = (accountId: number, displayId: number, message: NewMessage) =>
  apiRequest<Message>('POST', `${base(accountId)}/conversations/${displayId}/messages`, message);

export const toggleStatus = (
  accountId: number,
  displayId: number,
  body: { status?: ConversationStatus; snoozed_until?: number },
) => apiRequest('POST', `${base(accountId)}/conversations/${displayId}/toggle_status`, body);

export const assignConversation = (
  accountId: number,
  displayId: number,
  body: { assignee_id?: number | null; team_id?: number | null },
) => apiRequest('POST', `${base(accountId)}/conversations/${displayId}/assignments`, body);

export const setPriority = (accountId: number, displayId: number, priority: Priority) =>
  apiRequest('POST', `${base(accountId)}/conversations/${displayId}/toggle_priority`, { priority });

export const setLabels = (accountId: number, displayId: number, labels: string[]) =>
  apiRequest<{ payload: string[] }>('POST', `${base(accountId)}/conversations/${displayId}/labels`, { labels });

export const markSeen = (accountId: number, displayId: number) =>
  apiRequest('POST', `${base(accountId)}/conversations/${displayId}/update_last_seen`);

export const markUnread = (accountId: number, displayId: number) =>
  apiRequest<Conversation>('POST', `${base(accountId)}/conversations/${displayId}/unread`);

export const listAgents = (accountId: number) => apiRequest<Agent[]>('GET', `${base(accountId)}/agents`);

export interface InboxSummary {
  id: number;
  name: string;
  phone_number: string | null;
}

export interface Team {
  id: number;
  name: string;
}

export interface Label {
  id: number;
  title: string;
  description: string | null;
  color: string;
}

export const listInboxes = (accountId: number) =>
  apiRequest<{ payload: InboxSummary[] }>('GET', `${base(accountId)}/inboxes`).then((response) => response.payload);

export const listTeams = (accountId: number) => apiRequest<Team[]>('GET', `${base(accountId)}/teams`);

export const listLabels = (accountId: number) =>
  apiRequest<{ payload: Label[] }>('GET', `${base(accountId)}/labels`).then((response) => response.payload);

export const snoozeConversation = (accountId: number, displayId: number, until: Date) =>
  toggleStatus(accountId, displayId, { status: 'snoozed', snoozed_until: Math.floor(until.getTime() / 1000) });

export const getContact = (accountId: number, contactId: number) =>
  apiRequest<{ payload: Contact }>('GET', `${base(accountId)}/contacts/${contactId}`).then(
    (response) => response.payload,
  );

/** Custom attributes are merged with the stored ones (contacts.routes.ts). */
export const updateContactAttributes = (accountId: number, contactId: number, attributes: Record<string, unknown>) =>
  apiRequest<{ payload: Contact }>('PATCH', `${base(accountId)}/contacts/${contactId}`, {
    custom_attributes: attributes,
  }).then((response) => response.payload);

export const listContactLabels = (accountId: number, contactId: number) =>
  apiRequest<{ payload: string[] }>('GET', `${base(accountId)}/contacts/${contactId}/labels`).then(
    (response) => response.payload,
  );

export const listContactConversations = (accountId: number, contactId: number) =>
  apiRequest<{ payload: Conversation[] }>('GET', `${base(accountId)}/contacts/${contactId}/conversations`).then(
    (response) => response.payload,
  );
