import { type Kysely, sql } from 'kysely';
import type { Database, EventStatus } from '../../db/schema.js';
import { MAX_EVENT_MS } from './event-time.js';

type Executor = Kysely<Database>;

/** Assignment statuses that hold a provider's time and a staffing slot. */
export const HOLDING_STATUSES = ['assigned', 'accepted'] as const;
/** Assignment statuses that still follow the event (moved with it, cancelled with it). */
export const LIVE_STATUSES = ['assigned', 'accepted', 'offered'] as const;

export interface EventValues {
  client_id: number;
  service_type_id: number | null;
  title: string;
  starts_at: Date;
  ends_at: Date;
  location: Record<string, unknown>;
  value_cents: number | null;
  notes: string;
  status: EventStatus;
  conversation_id: number | null;
}

export interface CalendarFilter {
  accountId: number;
  from?: Date;
  to?: Date;
  status?: EventStatus;
  clientId?: number;
  providerId?: number;
  limit: number;
  offset: number;
}

const EVENT_COLUMNS = [
  'id',
  'account_id',
  'client_id',
  'service_type_id',
  'title',
  'starts_at',
  'ends_at',
  'location',
  'value_cents',
  'notes',
  'status',
  'conversation_id',
  'created_at',
  'updated_at',
] as const;

export async function insertEvent(db: Executor, accountId: number, values: EventValues) {
  return db
    .insertInto('events')
    .values({ ...values, account_id: accountId, location: JSON.stringify(values.location) })
    .returning(EVENT_COLUMNS)
    .executeTakeFirstOrThrow();
}

export async function findEvent(db: Executor, accountId: number, id: number) {
  return (
    (await db
      .selectFrom('events')
      .select(EVENT_COLUMNS)
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst()) ?? null
  );
}
export type EventRow = NonNullable<Awaited<ReturnType<typeof findEvent>>>;

export async function updateEvent(db: Executor, accountId: number, id: number, values: Partial<EventValues>) {
  const { location, ...rest } = values;
  await db
    .updateTable('events')
    .set({ ...rest, ...(location ? { location: JSON.stringify(location) } : {}), updated_at: new Date() })
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .execute();
}

export async function deleteEvent(db: Executor, accountId: number, id: number) {
  await db.deleteFrom('events').where('account_id', '=', accountId).where('id', '=', id).execute();
}

/** Whether anything ever pointed at the event: an assignment (in any status), a deal or an activity. */
export async function eventHasHistory(db: Executor, accountId: number, id: number): Promise<boolean> {
  const row = await db
    .selectNoFrom((eb) => [
      eb
        .or([
          eb.exists(
            eb.selectFrom('assignments').select('id').where('account_id', '=', accountId).where('event_id', '=', id),
          ),
          eb.exists(eb.selectFrom('deals').select('id').where('account_id', '=', accountId).where('event_id', '=', id)),
          eb.exists(
            eb.selectFrom('activities').select('id').where('account_id', '=', accountId).where('event_id', '=', id),
          ),
        ])
        .as('used'),
    ])
    .executeTakeFirstOrThrow();
  return Boolean(row.used);
}

/** The staffing of an event as (service type, quantity); replaced as a whole. */
export async function replaceStaffing(
  db: Executor,
  accountId: number,
  eventId: number,
  staffing: ReadonlyArray<{ serviceTypeId: number; quantity: number }>,
) {
  await db.deleteFrom('event_staffing').where('account_id', '=', accountId).where('event_id', '=', eventId).execute();
  if (staffing.length === 0) return;
  await db
    .insertInto('event_staffing')
    .values(
      staffing.map((item) => ({
        account_id: accountId,
        event_id: eventId,
        service_type_id: item.serviceTypeId,
        quantity: item.quantity,
      })),
    )
    .execute();
}

/**
 * The calendar: events overlapping [from, to). Overlap is `starts_at < to AND ends_at > from`; the extra
 * `starts_at > from - MAX_EVENT_MS` (true for every overlapping event, since none lasts longer) keeps it
 * a range scan on events_calendar_idx however long the range.
 */
function calendarQuery(db: Executor, filter: CalendarFilter) {
  let query = db.selectFrom('events').where('events.account_id', '=', filter.accountId);
  if (filter.to) query = query.where('events.starts_at', '<', filter.to);
  if (filter.from) {
    query = query
      .where('events.ends_at', '>', filter.from)
      .where('events.starts_at', '>', new Date(filter.from.getTime() - MAX_EVENT_MS));
  }
  if (filter.status) query = query.where('events.status', '=', filter.status);
  if (filter.clientId) query = query.where('events.client_id', '=', filter.clientId);
  const providerId = filter.providerId;
  if (providerId) {
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('assignments')
          .select('assignments.id')
          .whereRef('assignments.event_id', '=', 'events.id')
          .where('assignments.provider_id', '=', providerId)
          .where('assignments.status', 'in', HOLDING_STATUSES),
      ),
    );
  }
  return query;
}

/** One page of the calendar, in start order (the query itself, so its plan can be inspected). */
export function calendarPageQuery(db: Executor, filter: CalendarFilter) {
  return calendarQuery(db, filter)
    .select(EVENT_COLUMNS.map((column) => `events.${column}` as const))
    .orderBy('events.starts_at')
    .orderBy('events.id')
    .limit(filter.limit)
    .offset(filter.offset);
}

export const calendarPage = (db: Executor, filter: CalendarFilter) => calendarPageQuery(db, filter).execute();

async function countCalendar(db: Executor, filter: CalendarFilter): Promise<number> {
  const total = await calendarQuery(db, filter)
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(total.count);
}

/** A page (read by `page`: in full, or as the calendar draws it) and how many events match in all. */
export async function listCalendar<Row>(
  db: Executor,
  filter: CalendarFilter,
  page: (db: Executor, filter: CalendarFilter) => Promise<Row[]>,
) {
  const [rows, count] = await Promise.all([page(db, filter), countCalendar(db, filter)]);
  return { rows, count };
}

/** A page of the calendar as it is drawn: the client's name and the service type joined in. */
export function calendarSummaryPageQuery(db: Executor, filter: CalendarFilter) {
  return calendarQuery(db, filter)
    .innerJoin('clients', 'clients.id', 'events.client_id')
    .innerJoin('contacts', 'contacts.id', 'clients.contact_id')
    .leftJoin('service_types', 'service_types.id', 'events.service_type_id')
    .select([
      'events.id',
      'events.title',
      'events.client_id',
      'contacts.name as client_name',
      'events.service_type_id',
      'service_types.name as service_type_name',
      'events.starts_at',
      'events.ends_at',
      'events.status',
      'events.value_cents',
      'events.updated_at',
    ])
    .orderBy('events.starts_at')
    .orderBy('events.id')
    .limit(filter.limit)
    .offset(filter.offset);
}
export const calendarSummaryPage = (db: Executor, filter: CalendarFilter) =>
  calendarSummaryPageQuery(db, filter).execute();
export type EventSummaryRow = Awaited<ReturnType<typeof calendarSummaryPage>>[number];

/** Staffing of these events with service names and how many holding assignments fill each line. */
export async function staffingOf(db: Executor, accountId: number, eventIds: readonly number[]) {
  if (eventIds.length === 0) return [];
  return db
    .selectFrom('event_staffing')
    .innerJoin('service_types', 'service_types.id', 'event_staffing.service_type_id')
    .select((eb) => [
      'event_staffing.event_id',
      'event_staffing.service_type_id',
      'event_staffing.quantity',
      'service_types.name as service',
      eb
        .selectFrom('assignments')
        .select(sql<number>`count(*)::int`.as('filled'))
        .whereRef('assignments.event_id', '=', 'event_staffing.event_id')
        .whereRef('assignments.service_type_id', '=', 'event_staffing.service_type_id')
        .where('assignments.status', 'in', HOLDING_STATUSES)
        .as('filled'),
    ])
    .where('event_staffing.account_id', '=', accountId)
    .where('event_staffing.event_id', 'in', eventIds)
    .orderBy('event_staffing.id')
    .execute();
}

/** Every assignment of these events (history included), with provider and service names. */
export async function assignmentsOf(db: Executor, accountId: number, eventIds: readonly number[]) {
  if (eventIds.length === 0) return [];
  return db
    .selectFrom('assignments')
    .innerJoin('providers', 'providers.id', 'assignments.provider_id')
    .innerJoin('contacts', 'contacts.id', 'providers.contact_id')
    .innerJoin('service_types', 'service_types.id', 'assignments.service_type_id')
    .select([
      'assignments.id',
      'assignments.event_id',
      'assignments.provider_id',
      'contacts.name as provider_name',
      'assignments.service_type_id',
      'service_types.name as service',
      'assignments.status',
      'assignments.starts_at',
      'assignments.ends_at',
      'assignments.created_at',
    ])
    .where('assignments.account_id', '=', accountId)
    .where('assignments.event_id', 'in', eventIds)
    .orderBy('assignments.id')
    .execute();
}
