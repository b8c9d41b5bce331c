import type { Kysely } from 'kysely';
import { placeOf } from '../../crm/events/events-export.js';
import type { Database } from '../../db/schema.js';
import { notFound } from '../../shared/errors.js';
import type { PersonValues, RenderContext } from './variables.js';

type Executor = Kysely<Database>;

export interface RenderIds {
  contactId?: number | null;
  eventId?: number | null;
  assignmentId?: number | null;
}

/** The context with the recipient still optional (a preview may name none). */
export type PartialRenderContext = Omit<RenderContext, 'contact'> & { contact: PersonValues | null };

const personOf = (row: { name: string; phone_number: string | null; email: string | null }): PersonValues => ({
  name: row.name,
  phone: row.phone_number,
  email: row.email,
});

const contactColumns = ['contacts.name', 'contacts.phone_number', 'contacts.email'] as const;

async function loadContact(db: Executor, accountId: number, contactId: number) {
  const row = await db
    .selectFrom('contacts')
    .leftJoin('clients', 'clients.contact_id', 'contacts.id')
    .leftJoin('providers', 'providers.contact_id', 'contacts.id')
    .select([...contactColumns, 'clients.id as client_id', 'providers.id as provider_id'])
    .where('contacts.account_id', '=', accountId)
    .where('contacts.id', '=', contactId)
    .executeTakeFirst();
  if (!row) throw notFound('Contato');
  return row;
}

async function loadAssignment(db: Executor, accountId: number, assignmentId: number) {
  const row = await db
    .selectFrom('assignments')
    .innerJoin('providers', 'providers.id', 'assignments.provider_id')
    .innerJoin('contacts', 'contacts.id', 'providers.contact_id')
    .innerJoin('service_types', 'service_types.id', 'assignments.service_type_id')
    .select([
      ...contactColumns,
      'assignments.id',
      'assignments.event_id',
      'assignments.starts_at',
      'assignments.expires_at',
      'assignments.offer_token',
      'service_types.name as service',
    ])
    .where('assignments.account_id', '=', accountId)
    .where('assignments.id', '=', assignmentId)
    .executeTakeFirst();
  if (!row) throw notFound('Escala');
  return row;
}

async function loadEvent(db: Executor, accountId: number, eventId: number) {
  const row = await db
    .selectFrom('events')
    .innerJoin('clients', 'clients.id', 'events.client_id')
    .innerJoin('contacts', 'contacts.id', 'clients.contact_id')
    .leftJoin('service_types', 'service_types.id', 'events.service_type_id')
    .select([
      ...contactColumns,
      'events.title',
      'events.starts_at',
      'events.ends_at',
      'events.location',
      'events.value_cents',
      'events.status',
      'service_types.name as service',
    ])
    .where('events.account_id', '=', accountId)
    .where('events.id', '=', eventId)
    .executeTakeFirst();
  if (!row) throw notFound('Evento');
  return row;
}

/**
 * What the variables can refer to, from the ids given (each checked to belong to the account: 404
 * otherwise). An assignment brings its event; the client is the event's, or the recipient when they
 * are a client; the provider is the assignment's, or the recipient when they are a provider.
 */
export async function loadContextParts(db: Executor, accountId: number, ids: RenderIds): Promise<PartialRenderContext> {
  const account = await db.selectFrom('accounts').select('name').where('id', '=', accountId).executeTakeFirst();
  if (!account) throw notFound('Conta');
  const contact = ids.contactId ? await loadContact(db, accountId, ids.contactId) : null;
  const assignment = ids.assignmentId ? await loadAssignment(db, accountId, ids.assignmentId) : null;
  const eventId = ids.eventId ?? assignment?.event_id ?? null;
  const event = eventId ? await loadEvent(db, accountId, eventId) : null;
  const location = (event?.location ?? {}) as Record<string, unknown>;
  return {
    account: { name: account.name },
    contact: contact ? personOf(contact) : null,
    client: event ? personOf(event) : contact?.client_id ? personOf(contact) : null,
    provider: assignment ? personOf(assignment) : contact?.provider_id ? personOf(contact) : null,
    event: event
      ? {
          title: event.title,
          starts_at: new Date(event.starts_at),
          ends_at: new Date(event.ends_at),
          address: placeOf(location),
          city: typeof location.city === 'string' ? location.city : '',
          value_cents: event.value_cents === null ? null : Number(event.value_cents),
          service: event.service,
          status: event.status,
        }
      : null,
    assignment: assignment ? { service: assignment.service, starts_at: new Date(assignment.starts_at) } : null,
    offer:
      assignment?.offer_token != null
        ? {
            expires_at: assignment.expires_at === null ? null : new Date(assignment.expires_at),
            accept_payload: `offer:${assignment.id}:${assignment.offer_token}:accept`,
            decline_payload: `offer:${assignment.id}:${assignment.offer_token}:decline`,
          }
        : null,
  };
}

/**
 * The context a notification renders with, for its recipient and the event/assignment it is about.
 * Formatting happens at render time (in `timeZone` there); the parameter keeps the notifier's call stable.
 */
export async function loadRenderContext(
  db: Executor,
  accountId: number,
  ids: { contactId: number; eventId?: number | null; assignmentId?: number | null },
  _timeZone: string,
): Promise<RenderContext> {
  const parts = await loadContextParts(db, accountId, ids);
  if (!parts.contact) throw notFound('Contato');
  return { ...parts, contact: parts.contact };
}
