import { apiRequest } from '../../shared/api-client';

/**
 * The administrators' settings API: Chatwoot-compatible routes (src/compat/chatwoot/*.routes.ts,
 * src/accounts/agents.routes.ts). Times are Unix seconds where Chatwoot uses them, ISO strings elsewhere.
 */

export interface Inbox {
  id: number;
  name: string;
  channel_type: 'Channel::Whatsapp' | 'Channel::Api' | string;
  provider: string | null;
  phone_number: string | null;
  enable_auto_assignment: boolean;
  provider_config: {
    phone_number_id: string | null;
    business_account_id: string | null;
    webhook_verify_token?: string | null;
  } | null;
  webhook_url: string | null;
  reauthorization_required: boolean;
  reauthorization_required_at: number | null;
  reauthorization_reason: string | null;
  templates_synced_at: number | null;
  templates_sync_error: string | null;
  created_at: number | null;
  /** Business hours, out-of-office reply and greeting (issue 6), absent on older servers. */
  working_hours_enabled?: boolean;
  working_hours?: WorkingHoursDay[];
  out_of_office_message?: string | null;
  timezone?: string;
  greeting_enabled?: boolean;
  greeting_message?: string | null;
  greeting_menu?: GreetingOption[];
}

/** One day of an inbox's business hours, in Chatwoot's shape (day_of_week 0 = Sunday). */
export interface WorkingHoursDay {
  day_of_week: number;
  closed_all_day: boolean;
  open_all_day: boolean;
  open_hour: number | null;
  open_minutes: number | null;
  close_hour: number | null;
  close_minutes: number | null;
}

/** A greeting menu option: the key the client sends ("1"), and where it routes the conversation. */
export interface GreetingOption {
  key: string;
  title: string;
  team_id: number | null;
  labels: string[];
  reply: string | null;
}

export interface QuietHours {
  enabled: boolean;
  start: string;
  end: string;
}

export type SmsProvider = 'twilio' | 'zenvia' | 'simulator';

/** The account's SMS gateway; credentials are write-only. */
export interface SmsSettings {
  provider: SmsProvider | null;
  sender: string | null;
  configured: boolean;
  status_callback_url: string | null;
}

export type SmsSettingsInput =
  | { provider: 'twilio'; sender: string; credentials?: { account_sid: string; auth_token: string } }
  | { provider: 'zenvia'; sender: string; credentials?: { api_token: string } }
  | { provider: 'simulator'; sender?: string | null };

export type Role = 'administrator' | 'agent';
export type Availability = 'available' | 'busy' | 'offline';

export interface Agent {
  id: number;
  name: string;
  available_name: string;
  email: string;
  role: Role;
  availability_status: Availability;
  confirmed: boolean;
}

export interface Team {
  id: number;
  name: string;
  description: string;
  allow_auto_assign: boolean;
}

export interface Label {
  id: number;
  title: string;
  description: string;
  color: string;
  show_on_sidebar: boolean;
}

/** A CRM service type ("Garçom", "DJ"): what providers offer and events' staffing asks for. */
export interface ServiceTypeItem {
  id: number;
  name: string;
}

export interface CannedResponse {
  id: number;
  short_code: string;
  content: string;
}

export interface MessageTemplate {
  id: number;
  name: string;
  language: string;
  status: string;
  category: string | null;
  components: Array<{ type?: string; text?: string; format?: string }>;
}

export interface TemplateList {
  payload: MessageTemplate[];
  synced_at: string | null;
  sync_error: string | null;
}

export interface Webhook {
  id: number;
  name: string;
  url: string;
  subscriptions: string[];
  inbox_id: number | null;
  inbox: { id: number; name: string } | null;
  secret: string;
}

export interface WebhookDelivery {
  id: number;
  delivery_id: string;
  event: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  response_status: number | null;
  response_body: string | null;
  error: string | null;
  created_at: string;
  last_attempt_at: string | null;
  delivered_at: string | null;
}

export type InboxPayload = Record<string, unknown>;
export interface WebhookPayload {
  url: string;
  name: string | null;
  subscriptions: string[];
  inbox_id: number | null;
}

/** Every call for one account; `accountId` comes from the signed-in user. */
export function settingsApi(accountId: number) {
  const base = `/api/v1/accounts/${accountId}`;
  const call = <T>(method: string, path: string, body?: unknown) => apiRequest<T>(method, `${base}${path}`, body);
  return {
    inboxes: {
      list: () => call<{ payload: Inbox[] }>('GET', '/inboxes').then((data) => data.payload),
      create: (body: InboxPayload) => call<Inbox>('POST', '/inboxes', body),
      update: (id: number, body: InboxPayload) => call<Inbox>('PATCH', `/inboxes/${id}`, body),
      remove: (id: number) => call<unknown>('DELETE', `/inboxes/${id}`),
      members: (id: number) => call<{ payload: Agent[] }>('GET', `/inbox_members/${id}`).then((data) => data.payload),
      addMembers: (id: number, userIds: number[]) =>
        call<{ payload: Agent[] }>('POST', '/inbox_members', { inbox_id: id, user_ids: userIds }),
      removeMembers: (id: number, userIds: number[]) =>
        call<null>('DELETE', '/inbox_members', { inbox_id: id, user_ids: userIds }),
      templates: (id: number) => call<TemplateList>('GET', `/inboxes/${id}/message_templates`),
      syncTemplates: (id: number) =>
        call<{ message: string; count: number; synced_at: string | null }>('POST', `/inboxes/${id}/sync_templates`),
    },
    agents: {
      list: () => call<Agent[]>('GET', '/agents'),
      create: (body: { name: string; email: string; role: Role }) =>
        call<Agent & { invitation_url: string | null }>('POST', '/agents', body),
      update: (id: number, body: { role?: Role; availability_status?: Availability }) =>
        call<Agent>('PATCH', `/agents/${id}`, body),
      remove: (id: number) => call<unknown>('DELETE', `/agents/${id}`),
    },
    teams: {
      list: () => call<Team[]>('GET', '/teams'),
      create: (body: Omit<Team, 'id'>) => call<Team>('POST', '/teams', body),
      update: (id: number, body: Omit<Team, 'id'>) => call<Team>('PATCH', `/teams/${id}`, body),
      remove: (id: number) => call<null>('DELETE', `/teams/${id}`),
      members: (id: number) => call<Agent[]>('GET', `/teams/${id}/team_members`),
      addMembers: (id: number, userIds: number[]) =>
        call<Agent[]>('POST', `/teams/${id}/team_members`, { user_ids: userIds }),
      removeMembers: (id: number, userIds: number[]) =>
        call<null>('DELETE', `/teams/${id}/team_members`, { user_ids: userIds }),
    },
    labels: {
      list: () => call<{ payload: Label[] }>('GET', '/labels').then((data) => data.payload),
      create: (body: Omit<Label, 'id'>) => call<Label>('POST', '/labels', body),
      update: (id: number, body: Omit<Label, 'id'>) => call<Label>('PATCH', `/labels/${id}`, body),
      remove: (id: number) => call<null>('DELETE', `/labels/${id}`),
    },
    serviceTypes: {
      list: () => call<{ payload: ServiceTypeItem[] }>('GET', '/service_types').then((data) => data.payload),
      create: (name: string) => call<ServiceTypeItem>('POST', '/service_types', { name }),
      rename: (id: number, name: string) => call<ServiceTypeItem>('PATCH', `/service_types/${id}`, { name }),
      remove: (id: number) => call<null>('DELETE', `/service_types/${id}`),
    },
    cannedResponses: {
      list: () => call<CannedResponse[]>('GET', '/canned_responses'),
      create: (body: Omit<CannedResponse, 'id'>) => call<CannedResponse>('POST', '/canned_responses', body),
      update: (id: number, body: Omit<CannedResponse, 'id'>) =>
        call<CannedResponse>('PATCH', `/canned_responses/${id}`, body),
      remove: (id: number) => call<null>('DELETE', `/canned_responses/${id}`),
    },
    quietHours: {
      get: () => call<{ quiet_hours: QuietHours }>('GET', '/notification_settings').then((data) => data.quiet_hours),
      save: (quietHours: QuietHours) =>
        call<{ quiet_hours: QuietHours }>('PUT', '/notification_settings', { quiet_hours: quietHours }).then(
          (data) => data.quiet_hours,
        ),
    },
    sms: {
      get: () => call<SmsSettings>('GET', '/sms_settings'),
      save: (input: SmsSettingsInput) => call<SmsSettings>('PUT', '/sms_settings', input),
    },
    webhooks: {
      list: () => call<{ payload: { webhooks: Webhook[] } }>('GET', '/webhooks').then((data) => data.payload.webhooks),
      create: (body: WebhookPayload) =>
        call<{ payload: { webhook: Webhook } }>('POST', '/webhooks', body).then((data) => data.payload.webhook),
      update: (id: number, body: WebhookPayload) =>
        call<{ payload: { webhook: Webhook } }>('PATCH', `/webhooks/${id}`, body).then((data) => data.payload.webhook),
      remove: (id: number) => call<unknown>('DELETE', `/webhooks/${id}`),
      deliveries: (id: number, page = 1) =>
        call<{ payload: WebhookDelivery[] }>('GET', `/webhooks/${id}/deliveries?page=${page}`).then(
          (data) => data.payload,
        ),
      redeliver: (id: number, deliveryId: string) =>
        call<{ payload: WebhookDelivery }>('POST', `/webhooks/${id}/deliveries/${deliveryId}/redeliver`).then(
          (data) => data.payload,
        ),
    },
  };
}

export type SettingsApi = ReturnType<typeof settingsApi>;
