import { apiRequest } from '../../shared/api-client';

/**
 * Santana's CRM API (issue 5; src/crm/**\/*.routes.ts). Lists are `{meta: {count, current_page}, payload}`;
 * instants are ISO 8601 in UTC, money is integer cents.
 */

export interface Page<T> {
  meta: { count: number; current_page: number };
  payload: T[];
}

export interface Address {
  street?: string;
  number?: string;
  district?: string;
  city?: string;
  state?: string;
  zip?: string;
}

export interface Client {
  id: number;
  contact_id: number;
  name: string;
  phone_number: string | null;
  email: string | null;
  document: string | null;
  document_kind?: 'cpf' | 'cnpj' | null;
  address: Address;
  notes: string;
}

export interface ClientInput {
  name: string;
  phone_number: string;
  email?: string | null;
  document?: string | null;
  address?: Address;
  notes?: string;
}

export interface ServiceType {
  id: number;
  name: string;
}

export interface Provider {
  id: number;
  contact_id: number;
  name: string;
  phone_number: string | null;
  email?: string | null;
  services: ServiceType[];
  regions: string[];
  active: boolean;
  rating: number | null;
  notes?: string;
}

/** GET /providers/:id adds the upcoming assignments and how the provider answered so far. */
export interface ProviderDetail extends Provider {
  upcoming_assignments: Array<{
    id: number;
    event_id: number;
    event_title: string;
    service: ServiceType;
    status: AssignmentStatus;
    starts_at: string;
    ends_at: string;
  }>;
  assignment_counts: Record<AssignmentStatus, number>;
  /** Accepted ÷ answered (accepted, declined, expired), 0 to 1; null before any answer. */
  acceptance_rate: number | null;
}

export interface ProviderInput {
  name: string;
  phone_number: string;
  email?: string | null;
  /** Service type names or ids. */
  services: Array<string | number>;
  regions: string[];
  active: boolean;
  notes?: string;
}

export interface ProviderFilters {
  q?: string;
  service?: string;
  region?: string;
  active?: '' | 'true' | 'false';
  available_from?: string;
  available_to?: string;
  page?: number;
}

export type EventStatus = 'scheduled' | 'confirmed' | 'done' | 'cancelled';
export type AssignmentStatus = 'assigned' | 'offered' | 'accepted' | 'declined' | 'expired' | 'withdrawn' | 'cancelled';

export interface Assignment {
  id: number;
  event_id: number;
  provider_id: number;
  provider_name: string;
  service: string;
  service_type_id: number;
  status: AssignmentStatus;
  starts_at: string;
  ends_at: string;
  created_at: string;
}

export interface Staffing {
  service: string;
  service_type_id: number;
  quantity: number;
  filled: number;
}

export interface EventLocation {
  address?: string;
  number?: string;
  complement?: string;
  district?: string;
  city?: string;
  state?: string;
  zip?: string;
  notes?: string;
}

export interface CrmEvent {
  id: number;
  title: string;
  client_id: number;
  client: { id: number; contact_id: number; name: string; phone_number: string | null; email: string | null };
  service_type: ServiceType | null;
  starts_at: string;
  ends_at: string;
  status: EventStatus;
  location: EventLocation;
  value_cents: number | null;
  notes: string;
  conversation_id: number | null;
  staffing: Staffing[];
  assignments: Assignment[];
}

/** An event as the calendar draws it (GET /events/calendar): no assignments, location or notes. */
export type CrmEventSummary = Pick<
  CrmEvent,
  'id' | 'title' | 'client_id' | 'service_type' | 'starts_at' | 'ends_at' | 'status' | 'value_cents' | 'staffing'
> & { client: { id: number; name: string } };

export interface EventInput {
  title: string;
  client_id: number;
  starts_at: string;
  ends_at: string;
  location?: EventLocation;
  value_cents?: number | null;
  notes?: string;
  staffing?: Array<{ service: string | number; quantity: number }>;
  conversation_id?: number;
}

export interface EventFilters {
  from?: string;
  to?: string;
  status?: EventStatus;
  client_id?: number;
  provider_id?: number;
  page?: number;
  per_page?: number;
}

export interface Stage {
  id: number;
  name: string;
  position: number;
  probability: number;
  is_won: boolean;
  is_lost: boolean;
}

export type DealStatus = 'open' | 'won' | 'lost';

export interface Deal {
  id: number;
  title: string;
  contact_id: number;
  contact: { id: number; name: string; phone_number: string | null };
  stage_id: number;
  value_cents: number | null;
  expected_close_on: string | null;
  owner: { id: number; name: string } | null;
  conversation_id: number | null;
  event_id: number | null;
  status: DealStatus;
  lost_reason: string | null;
}

export interface DealInput {
  title: string;
  contact_id: number;
  stage_id?: number;
  value_cents?: number | null;
  expected_close_on?: string | null;
  conversation_id?: number | null;
}

export interface BoardColumn {
  stage: Stage;
  count: number;
  value_cents: number;
  deals: Deal[];
}

export type ActivityKind = 'call' | 'meeting' | 'task' | 'whatsapp';

export interface Activity {
  id: number;
  kind: ActivityKind;
  title: string;
  notes: string;
  due_at: string | null;
  done: boolean;
  done_at: string | null;
  assignee: { id: number; name: string } | null;
  contact_id: number | null;
  deal_id: number | null;
  event_id: number | null;
}

export interface ActivityInput {
  kind: ActivityKind;
  title: string;
  due_at?: string | null;
  assignee_id?: number | null;
  contact_id?: number | null;
  deal_id?: number | null;
  event_id?: number | null;
  notes?: string;
}

interface NamedRef {
  id: number;
  name: string;
}

/** GET /contacts/:id/timeline entries, newest first. */
export type TimelineEntry = { id: number; at: string } & (
  | {
      kind: 'conversation';
      display_id: number;
      status: string;
      inbox: NamedRef;
      messages_count: number;
      last_message: { content: string | null; content_type: string; direction: string } | null;
    }
  | { kind: 'event'; title: string; starts_at: string; status: string; value_cents: number | null }
  | {
      kind: 'assignment';
      event_id: number;
      event_title: string;
      provider_id: number;
      service: string;
      status: string;
      starts_at: string;
    }
  | { kind: 'deal'; title: string; status: DealStatus; value_cents: number | null; stage: NamedRef }
  | { kind: 'deal_stage'; deal_id: number; deal_title: string; from_stage: NamedRef | null; to_stage: NamedRef | null }
  | { kind: 'activity'; activity_kind: ActivityKind; title: string; due_at: string | null; done: boolean }
  | { kind: 'note'; content: string; user: NamedRef | null }
  | {
      kind: 'notification';
      notification_kind: string;
      status: string;
      channel: 'whatsapp' | 'sms' | null;
      reason: string | null;
      event_id: number | null;
      template: NamedRef | null;
    }
);

export interface AgentRef {
  id: number;
  available_name: string;
}

/** `{a: 1, b: undefined, c: ''}` → `?a=1`: empty filters are left out. */
export function queryString(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** The CRM calls for one account. */
export function crmApi(accountId: number) {
  const base = `/api/v1/accounts/${accountId}`;
  const get = <T>(path: string) => apiRequest<T>('GET', `${base}${path}`);
  const send = <T>(method: string, path: string, body?: unknown) => apiRequest<T>(method, `${base}${path}`, body);
  return {
    clients: {
      list: (q: string, page: number) => get<Page<Client>>(`/clients${queryString({ q, page })}`),
      get: (id: number) => get<Client>(`/clients/${id}`),
      create: (input: ClientInput) => send<Client>('POST', '/clients', input),
      update: (id: number, input: Partial<ClientInput>) => send<Client>('PATCH', `/clients/${id}`, input),
      /** Administrators only; a client with events answers 409 (cancel the events instead). */
      remove: (id: number) => send<null>('DELETE', `/clients/${id}`),
      /** The contact's client profile, or null. */
      ofContact: (contactId: number) =>
        get<Page<Client>>(`/clients${queryString({ contact_id: contactId })}`).then((page) => page.payload[0] ?? null),
    },
    serviceTypes: {
      list: () => get<Page<ServiceType> | ServiceType[]>('/service_types').then(listOf),
    },
    providers: {
      list: (filters: ProviderFilters) => get<Page<Provider>>(`/providers${queryString({ ...filters })}`),
      get: (id: number) => get<ProviderDetail>(`/providers/${id}`),
      create: (input: ProviderInput) => send<Provider>('POST', '/providers', input),
      update: (id: number, input: Partial<ProviderInput>) => send<Provider>('PATCH', `/providers/${id}`, input),
      /** The contact's provider profile, or null. */
      ofContact: (contactId: number) =>
        get<Page<Provider>>(`/providers${queryString({ contact_id: contactId, active: '' })}`).then(
          (page) => page.payload[0] ?? null,
        ),
    },
    events: {
      list: (filters: EventFilters) => get<Page<CrmEvent>>(`/events${queryString({ ...filters })}`),
      /** The calendar's page: the same filters, each event as the screen draws it. */
      calendar: (filters: EventFilters) => get<Page<CrmEventSummary>>(`/events/calendar${queryString({ ...filters })}`),
      get: (id: number) => get<CrmEvent>(`/events/${id}`),
      /** Administrators only; an event with history (any assignment) answers 409: cancel it instead. */
      remove: (id: number) => send<{ success: boolean }>('DELETE', `/events/${id}`),
      create: (input: EventInput) => send<CrmEvent>('POST', '/events', input),
      update: (id: number, input: Partial<EventInput> & { status?: EventStatus }) =>
        send<CrmEvent>('PATCH', `/events/${id}`, input),
      assign: (id: number, providerId: number, service: string | number) =>
        send<Assignment>('POST', `/events/${id}/assignments`, { provider_id: providerId, service }),
      withdraw: (id: number, assignmentId: number) =>
        send<Assignment>('DELETE', `/events/${id}/assignments/${assignmentId}`),
    },
    stages: {
      list: () => get<Page<Stage> | Stage[]>('/pipeline_stages').then(listOf),
    },
    deals: {
      board: () => get<{ payload: BoardColumn[] }>('/deals/board').then((board) => board.payload),
      list: (filters: { contact_id?: number; page?: number }) => get<Page<Deal>>(`/deals${queryString(filters)}`),
      create: (input: DealInput) => send<Deal>('POST', '/deals', input),
      move: (id: number, stageId: number, lostReason?: string) =>
        send<Deal>('PATCH', `/deals/${id}`, { stage_id: stageId, ...(lostReason ? { lost_reason: lostReason } : {}) }),
      won: (id: number) => send<Deal>('POST', `/deals/${id}/won`),
      lost: (id: number, reason: string) => send<Deal>('POST', `/deals/${id}/lost`, { reason }),
    },
    activities: {
      list: (filters: { assignee_id?: 'me' | number; done?: boolean; contact_id?: number; page?: number }) =>
        get<Page<Activity>>(`/activities${queryString(filters)}`),
      create: (input: ActivityInput) => send<Activity>('POST', '/activities', input),
      setDone: (id: number, done: boolean) => send<Activity>('PATCH', `/activities/${id}`, { done }),
    },
    timeline: (contactId: number, before?: string) =>
      get<{ payload: TimelineEntry[]; meta: { next_before: string | null } }>(
        `/contacts/${contactId}/timeline${queryString({ before })}`,
      ),
    agents: () => get<AgentRef[]>('/agents'),
  };
}

export type CrmApi = ReturnType<typeof crmApi>;

// Some CRM lists answer a bare array, others the paged shape: both read as an array.
function listOf<T>(answer: Page<T> | T[]): T[] {
  return Array.isArray(answer) ? answer : answer.payload;
}
