import { loadEventViews } from '../../crm/events/event-view.js';
import { findEvent } from '../../crm/events/events.repo.js';
import type { Db } from '../../db/client.js';

export type SantanaSubject = 'event' | 'assignment' | 'notification';

const iso = (at: Date | null) => at?.toISOString() ?? null;

/**
 * The bodies of Santana's webhook events, rebuilt from our rows when the event is delivered (like
 * Chatwoot's), so they carry what was committed. The business event's own data fills in for a row
 * that is gone (a deleted event) and adds what only it knows (`previous` times, a withdrawal's reason).
 */
export function createSantanaPayloads(deps: { db: Db }) {
  const { db } = deps;

  async function calendarEvent(accountId: number, id: number) {
    const row = await findEvent(db, accountId, id);
    if (!row) return null;
    const [view] = await loadEventViews(db, accountId, [row]);
    return view ?? null;
  }

  async function eventBody(accountId: number, id: number, data: Record<string, unknown>) {
    const view = await calendarEvent(accountId, id);
    return { ...(view ?? data), ...(data.previous ? { previous: data.previous } : {}) };
  }

  async function assignmentBody(accountId: number, id: number, data: Record<string, unknown>) {
    const row = await db
      .selectFrom('assignments')
      .innerJoin('providers', 'providers.id', 'assignments.provider_id')
      .innerJoin('contacts', 'contacts.id', 'providers.contact_id')
      .innerJoin('service_types', 'service_types.id', 'assignments.service_type_id')
      .select([
        'assignments.id',
        'assignments.event_id',
        'assignments.status',
        'assignments.service_type_id',
        'service_types.name as service',
        'assignments.starts_at',
        'assignments.ends_at',
        'assignments.offered_at',
        'assignments.responded_at',
        'assignments.expires_at',
        'assignments.response_source',
        'assignments.dispatch_id',
        'providers.id as provider_id',
        'providers.contact_id as provider_contact_id',
        'contacts.name as provider_name',
        'contacts.phone_number as provider_phone_number',
      ])
      .where('assignments.account_id', '=', accountId)
      .where('assignments.id', '=', id)
      .executeTakeFirst();
    if (!row) return data;
    return {
      id: row.id,
      event_id: row.event_id,
      status: row.status,
      service: row.service,
      service_type_id: row.service_type_id,
      starts_at: iso(row.starts_at),
      ends_at: iso(row.ends_at),
      offered_at: iso(row.offered_at),
      responded_at: iso(row.responded_at),
      expires_at: iso(row.expires_at),
      response_source: row.response_source,
      dispatch_id: row.dispatch_id,
      ...(typeof data.reason === 'string' ? { reason: data.reason } : {}),
      provider: {
        id: row.provider_id,
        contact_id: row.provider_contact_id,
        name: row.provider_name,
        phone_number: row.provider_phone_number,
      },
      // `event` is the webhook's name, as in Chatwoot's payloads; the booked event goes here.
      calendar_event: await calendarEvent(accountId, row.event_id),
    };
  }

  async function notificationBody(accountId: number, id: number, data: Record<string, unknown>) {
    const row = await db
      .selectFrom('notifications')
      .innerJoin('contacts', 'contacts.id', 'notifications.contact_id')
      .select([
        'notifications.id',
        'notifications.key',
        'notifications.kind',
        'notifications.status',
        'notifications.channel',
        'notifications.category',
        'notifications.reason',
        'notifications.error_code',
        'notifications.due_at',
        'notifications.sent_at',
        'notifications.rule_id',
        'notifications.event_id',
        'notifications.assignment_id',
        'notifications.dispatch_id',
        'notifications.message_id',
        'contacts.id as contact_id',
        'contacts.name as contact_name',
        'contacts.phone_number as contact_phone_number',
      ])
      .where('notifications.account_id', '=', accountId)
      .where('notifications.id', '=', id)
      .executeTakeFirst();
    if (!row) return { id, ...data };
    return {
      id: row.id,
      key: row.key,
      kind: row.kind,
      status: row.status,
      channel: row.channel ?? data.channel ?? null,
      category: row.category,
      reason: row.reason ?? data.reason ?? null,
      error_code: row.error_code ?? data.error_code ?? null,
      due_at: iso(row.due_at),
      sent_at: iso(row.sent_at),
      rule_id: row.rule_id,
      event_id: row.event_id,
      assignment_id: row.assignment_id,
      dispatch_id: row.dispatch_id,
      message_id: row.message_id,
      contact: { id: row.contact_id, name: row.contact_name, phone_number: row.contact_phone_number },
    };
  }

  return {
    async build(subject: SantanaSubject, accountId: number, id: number, data: Record<string, unknown>) {
      const account = await db
        .selectFrom('accounts')
        .select(['id', 'name'])
        .where('id', '=', accountId)
        .executeTakeFirst();
      const body =
        subject === 'event'
          ? await eventBody(accountId, id, data)
          : subject === 'assignment'
            ? await assignmentBody(accountId, id, data)
            : await notificationBody(accountId, id, data);
      return { ...body, account: account ?? { id: accountId, name: '' } };
    },
  };
}

export type SantanaPayloads = ReturnType<typeof createSantanaPayloads>;
