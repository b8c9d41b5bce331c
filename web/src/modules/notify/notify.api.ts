import type { RuleTrigger } from '../../../../src/notify/rules/rule-triggers';
import { apiRequest } from '../../shared/api-client';
import type { MessageTemplate } from '../inbox/composer/templates';

/**
 * Santana's notifications API (issue 6; src/notify/**\/*.routes.ts). Lists are
 * `{meta: {count, current_page}, payload}`; instants are ISO 8601 in UTC.
 */

export interface Page<T> {
  meta: { count: number; current_page: number };
  payload: T[];
}

export type TemplateCategory = 'utility' | 'marketing';
/** Meta's positional ({{1}}…) parameters as a list, or named ones as an object. */
export type TemplateParameters = string[] | Record<string, string>;

export interface WhatsappVariant {
  template_name: string;
  language: string;
  header_params?: TemplateParameters;
  body_params: TemplateParameters;
  button_payloads?: Array<string | null>;
}

export interface NotificationTemplate {
  id: number;
  name: string;
  category: TemplateCategory;
  whatsapp: WhatsappVariant | null;
  text: string | null;
  sms: string | null;
  created_at: string;
  updated_at: string;
}

export type TemplateInput = Pick<NotificationTemplate, 'name' | 'category' | 'whatsapp' | 'text' | 'sms'>;

export interface VariableCatalog {
  variables: Array<{ path: string; description: string; example: string; filters: string[] }>;
  filters: Array<{ name: string; description: string }>;
}

export interface TemplatePreview {
  text: string | null;
  sms: string | null;
  whatsapp: {
    name: string;
    language: string;
    components: Array<Record<string, unknown>>;
    body_text: string | null;
  } | null;
}

// The server's own list (the file has no imports), so the rule form offers exactly what the API accepts.
export { RULE_TRIGGERS, type RuleTrigger, TIMED_TRIGGERS } from '../../../../src/notify/rules/rule-triggers';

export type Audience = 'client' | 'providers' | 'client_and_providers';

export interface NotificationRule {
  id: number;
  name: string;
  trigger: RuleTrigger;
  offset_minutes: number;
  audience: Audience;
  template_id: number | null;
  essential: boolean;
  active: boolean;
}

export type RuleInput = Omit<NotificationRule, 'id'>;

export const NOTIFICATION_STATUSES = [
  'scheduled',
  'queued',
  'sent',
  'delivered',
  'read',
  'failed',
  'cancelled',
  'skipped',
] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];
export const NOTIFICATION_KINDS = ['rule', 'offer', 'offer_reply', 'broadcast', 'consent'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export interface Notification {
  id: number;
  key: string;
  kind: NotificationKind;
  rule_id: number | null;
  template_id: number | null;
  event_id: number | null;
  assignment_id: number | null;
  dispatch_id: number | null;
  broadcast_id: number | null;
  contact_id: number;
  contact_name: string;
  category: string;
  essential: boolean;
  channel: 'whatsapp' | 'sms' | null;
  status: NotificationStatus;
  due_at: string;
  original_due_at: string | null;
  sent_at: string | null;
  delivered_at: string | null;
  read_at: string | null;
  lateness_ms: number | null;
  reason: string | null;
  error_code: string | null;
  message_id: number | null;
  conversation_id: number | null;
  created_at: string;
}

export interface NotificationFilters {
  event_id?: number;
  contact_id?: number;
  status?: NotificationStatus;
  kind?: NotificationKind;
  page?: number;
}

export type BroadcastStatus = 'scheduled' | 'running' | 'done' | 'cancelled';

export interface Broadcast {
  id: number;
  name: string;
  label: string;
  template: { id: number; name: string | null };
  status: BroadcastStatus;
  scheduled_at: string;
  started_at: string | null;
  finished_at: string | null;
  recipients: number | null;
  excluded: number | null;
  counts: Record<NotificationStatus, number>;
  reason: string | null;
  created_at: string;
}

export interface BroadcastInput {
  name: string;
  label: string;
  template_id: number;
  scheduled_at?: string;
}

export interface InboxRef {
  id: number;
  name: string;
  channel_type: string;
}

/** `{a: 1, b: undefined, c: ''}` → `?a=1`: empty filters are left out. */
export function queryString(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** The notification calls for one account. */
export function notifyApi(accountId: number) {
  const base = `/api/v1/accounts/${accountId}`;
  const get = <T>(path: string) => apiRequest<T>('GET', `${base}${path}`);
  const send = <T>(method: string, path: string, body?: unknown) => apiRequest<T>(method, `${base}${path}`, body);
  return {
    templates: {
      list: () => get<Page<NotificationTemplate>>('/notification_templates').then((page) => page.payload),
      get: (id: number) => get<NotificationTemplate>(`/notification_templates/${id}`),
      create: (input: TemplateInput) => send<NotificationTemplate>('POST', '/notification_templates', input),
      update: (id: number, input: TemplateInput) =>
        send<NotificationTemplate>('PATCH', `/notification_templates/${id}`, input),
      remove: (id: number) => send<null>('DELETE', `/notification_templates/${id}`),
      variables: () => get<VariableCatalog>('/notification_templates/variables'),
      preview: (template: TemplateInput, ids: { event_id?: number; contact_id?: number }) =>
        send<TemplatePreview>('POST', '/notification_templates/preview', { template, ...ids }),
    },
    rules: {
      list: () => get<Page<NotificationRule>>('/notification_rules').then((page) => page.payload),
      create: (input: RuleInput) => send<NotificationRule>('POST', '/notification_rules', input),
      update: (id: number, input: Partial<RuleInput>) =>
        send<NotificationRule>('PATCH', `/notification_rules/${id}`, input),
      remove: (id: number) => send<null>('DELETE', `/notification_rules/${id}`),
    },
    notifications: {
      list: (filters: NotificationFilters) => get<Page<Notification>>(`/notifications${queryString({ ...filters })}`),
    },
    broadcasts: {
      list: (page: number) => get<Page<Broadcast>>(`/broadcasts${queryString({ page })}`),
      create: (input: BroadcastInput) => send<Broadcast>('POST', '/broadcasts', input),
      cancel: (id: number) => send<Broadcast>('POST', `/broadcasts/${id}/cancel`),
    },
    inboxes: {
      list: () => get<{ payload: InboxRef[] }>('/inboxes').then((data) => data.payload),
      /** The inbox's Meta templates (synced), for the WhatsApp variant's picker. */
      templates: (inboxId: number) =>
        get<{ payload: MessageTemplate[] }>(`/inboxes/${inboxId}/message_templates`).then((data) => data.payload),
    },
    labels: () => get<{ payload: Array<{ id: number; title: string }> }>('/labels').then((data) => data.payload),
    /** Upcoming events, to preview a template with real data. */
    upcomingEvents: (from: string) =>
      get<Page<{ id: number; title: string; starts_at: string }>>(`/events${queryString({ from, per_page: 50 })}`).then(
        (page) => page.payload,
      ),
  };
}

export type NotifyApi = ReturnType<typeof notifyApi>;
