import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { EventSummary, EventView } from './event-schemas.js';
import { assignmentsOf, type EventRow, type EventSummaryRow, staffingOf } from './events.repo.js';

type Executor = Kysely<Database>;

const iso = (at: Date) => at.toISOString();
const unique = (ids: Array<number | null>) => [...new Set(ids.filter((id): id is number => id !== null))];

/** Rows per event id, in their order (a calendar month holds hundreds of events: no filter per event). */
function byEvent<T extends { event_id: number }>(rows: readonly T[]): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const row of rows) {
    const group = groups.get(row.event_id);
    if (group) group.push(row);
    else groups.set(row.event_id, [row]);
  }
  return groups;
}

type StaffingLine = Awaited<ReturnType<typeof staffingOf>>[number];

const staffingView = (line: StaffingLine) => ({
  service: line.service,
  service_type_id: line.service_type_id,
  quantity: line.quantity,
  filled: Number(line.filled ?? 0),
});

/** Events as the calendar draws them: the page's rows (client and service type joined) and their staffing. */
export async function loadEventSummaries(
  db: Executor,
  accountId: number,
  rows: readonly EventSummaryRow[],
): Promise<EventSummary[]> {
  const staffing = byEvent(
    await staffingOf(
      db,
      accountId,
      rows.map((row) => row.id),
    ),
  );
  return rows.map((row) => ({
    id: row.id,
    title: row.title,
    client_id: row.client_id,
    client: { id: row.client_id, name: row.client_name },
    service_type:
      row.service_type_id === null || row.service_type_name === null
        ? null
        : { id: row.service_type_id, name: row.service_type_name },
    starts_at: iso(row.starts_at),
    ends_at: iso(row.ends_at),
    status: row.status,
    value_cents: row.value_cents === null ? null : Number(row.value_cents),
    staffing: (staffing.get(row.id) ?? []).map(staffingView),
    updated_at: iso(row.updated_at),
  }));
}

/** Events as the API shows them: client summary, service type, conversation link, staffing and assignments. */
export async function loadEventViews(db: Executor, accountId: number, rows: readonly EventRow[]): Promise<EventView[]> {
  if (rows.length === 0) return [];
  const eventIds = rows.map((row) => row.id);
  const clientIds = unique(rows.map((row) => row.client_id));
  const serviceTypeIds = unique(rows.map((row) => row.service_type_id));
  const conversationIds = unique(rows.map((row) => row.conversation_id));

  const [staffing, assignments, clients, serviceTypes, conversations] = await Promise.all([
    staffingOf(db, accountId, eventIds),
    assignmentsOf(db, accountId, eventIds),
    db
      .selectFrom('clients')
      .innerJoin('contacts', 'contacts.id', 'clients.contact_id')
      .select(['clients.id', 'clients.contact_id', 'contacts.name', 'contacts.phone_number', 'contacts.email'])
      .where('clients.account_id', '=', accountId)
      .where('clients.id', 'in', clientIds)
      .execute(),
    serviceTypeIds.length === 0
      ? []
      : db
          .selectFrom('service_types')
          .select(['id', 'name'])
          .where('account_id', '=', accountId)
          .where('id', 'in', serviceTypeIds)
          .execute(),
    conversationIds.length === 0
      ? []
      : db
          .selectFrom('conversations')
          .select(['id', 'display_id', 'inbox_id', 'contact_id'])
          .where('account_id', '=', accountId)
          .where('id', 'in', conversationIds)
          .execute(),
  ]);
  const clientById = new Map(clients.map((client) => [client.id, client]));
  const serviceTypeById = new Map(serviceTypes.map((type) => [type.id, type]));
  const conversationById = new Map(conversations.map((conversation) => [conversation.id, conversation]));
  const staffingById = byEvent(staffing);
  const assignmentsById = byEvent(assignments);

  return rows.map((row) => {
    const client = clientById.get(row.client_id);
    const conversation = row.conversation_id === null ? undefined : conversationById.get(row.conversation_id);
    return {
      id: row.id,
      title: row.title,
      client_id: row.client_id,
      client: {
        id: row.client_id,
        contact_id: client?.contact_id ?? 0,
        name: client?.name ?? '',
        phone_number: client?.phone_number ?? null,
        email: client?.email ?? null,
      },
      service_type: row.service_type_id === null ? null : (serviceTypeById.get(row.service_type_id) ?? null),
      starts_at: iso(row.starts_at),
      ends_at: iso(row.ends_at),
      status: row.status,
      location: row.location,
      value_cents: row.value_cents === null ? null : Number(row.value_cents),
      notes: row.notes,
      conversation_id: conversation?.display_id ?? null,
      conversation: conversation
        ? { id: conversation.display_id, inbox_id: conversation.inbox_id, contact_id: conversation.contact_id }
        : null,
      staffing: (staffingById.get(row.id) ?? []).map(staffingView),
      assignments: (assignmentsById.get(row.id) ?? []).map((assignment) => ({
        id: assignment.id,
        event_id: assignment.event_id,
        provider_id: assignment.provider_id,
        provider_name: assignment.provider_name,
        service: assignment.service,
        service_type_id: assignment.service_type_id,
        status: assignment.status,
        starts_at: iso(assignment.starts_at),
        ends_at: iso(assignment.ends_at),
        created_at: iso(assignment.created_at),
      })),
      created_at: iso(row.created_at),
      updated_at: iso(row.updated_at),
    };
  });
}
