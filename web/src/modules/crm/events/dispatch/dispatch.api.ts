import { apiRequest } from '../../../../shared/api-client';
import type { Notification, Page } from '../../../notify/notify.api';

/** Provider dispatch (src/dispatch/dispatch.routes.ts): offers with Aceitar / Recusar over WhatsApp. */

export type OfferStatus = 'offered' | 'accepted' | 'declined' | 'expired' | 'withdrawn' | 'cancelled' | 'assigned';
export type DispatchStatus = 'running' | 'completed' | 'exhausted' | 'cancelled';
export type DispatchStrategy = 'broadcast' | 'sequential';

export interface Offer {
  assignment_id: number;
  provider_id: number;
  provider_name: string;
  status: OfferStatus;
  offered_at: string | null;
  expires_at: string | null;
  responded_at: string | null;
  /** button, text, timeout (or manager). */
  response_source: string | null;
}

export interface Dispatch {
  id: number;
  event_id: number;
  service: string;
  service_type_id: number;
  strategy: DispatchStrategy;
  status: DispatchStatus;
  offer_ttl_minutes: number;
  created_at: string;
  finished_at: string | null;
  offers: Offer[];
}

export interface DispatchInput {
  service: string | number;
  strategy: DispatchStrategy;
  offer_ttl_minutes?: number;
}

export function dispatchApi(accountId: number) {
  const base = `/api/v1/accounts/${accountId}`;
  const call = <T>(method: string, path: string, body?: unknown) => apiRequest<T>(method, `${base}${path}`, body);
  return {
    list: (eventId: number) =>
      call<Page<Dispatch>>('GET', `/events/${eventId}/dispatches`).then((page) => page.payload),
    start: (eventId: number, input: DispatchInput) => call<Dispatch>('POST', `/events/${eventId}/dispatch`, input),
    cancel: (id: number) => call<Dispatch>('POST', `/dispatches/${id}/cancel`),
    /** The event's notifications (reminders, offers…), soonest due last, as the API orders them. */
    notifications: (eventId: number) =>
      call<Page<Notification>>('GET', `/notifications?event_id=${eventId}`).then((page) => page.payload),
  };
}

export type DispatchApi = ReturnType<typeof dispatchApi>;
