import { type Kysely, sql } from 'kysely';
import { HOLDING_STATUSES } from '../crm/events/events.repo.js';
import type { AssignmentStatus, Database, DispatchStatus, DispatchStrategy } from '../db/schema.js';

type Executor = Kysely<Database>;

// bigint[] comes back as strings from both drivers; one parameter per element binds the same on both.
const idArray = (ids: readonly number[]) =>
  ids.length === 0 ? sql<number[]>`'{}'::bigint[]` : sql<number[]>`ARRAY[${sql.join(ids)}]::bigint[]`;
const toIds = (values: readonly (number | string)[] | null) => (values ? values.map(Number) : null);

const DISPATCH_COLUMNS = [
  'dispatches.id',
  'dispatches.account_id',
  'dispatches.event_id',
  'dispatches.service_type_id',
  'service_types.name as service',
  'dispatches.strategy',
  'dispatches.status',
  'dispatches.offer_ttl_minutes',
  'dispatches.fanout',
  'dispatches.pay_cents',
  'dispatches.candidates',
  'dispatches.created_by',
  'dispatches.finished_at',
  'dispatches.created_at',
  'dispatches.updated_at',
] as const;

function dispatchQuery(db: Executor, accountId: number) {
  return db
    .selectFrom('dispatches')
    .innerJoin('service_types', 'service_types.id', 'dispatches.service_type_id')
    .select(DISPATCH_COLUMNS)
    .where('dispatches.account_id', '=', accountId);
}

type RawDispatch = Awaited<ReturnType<ReturnType<typeof dispatchQuery>['executeTakeFirstOrThrow']>>;
export type DispatchRow = Omit<RawDispatch, 'candidates'> & { candidates: number[] | null };
const toDispatch = (row: RawDispatch): DispatchRow => ({ ...row, candidates: toIds(row.candidates) });

/** An offer (an assignment made by a dispatch) with what answering it needs: provider, event, service. */
function offerQuery(db: Executor, accountId: number) {
  return db
    .selectFrom('assignments')
    .innerJoin('providers', 'providers.id', 'assignments.provider_id')
    .innerJoin('contacts', 'contacts.id', 'providers.contact_id')
    .innerJoin('events', 'events.id', 'assignments.event_id')
    .innerJoin('service_types', 'service_types.id', 'assignments.service_type_id')
    .select([
      'assignments.id',
      'assignments.account_id',
      'assignments.event_id',
      'assignments.provider_id',
      'assignments.service_type_id',
      'assignments.dispatch_id',
      'assignments.status',
      'assignments.offer_token',
      'assignments.offered_at',
      'assignments.expires_at',
      'assignments.responded_at',
      'assignments.response_source',
      'providers.contact_id',
      'contacts.name as provider_name',
      'service_types.name as service',
      'events.title',
      'events.starts_at',
      'events.ends_at',
      'events.location',
      'events.status as event_status',
    ])
    .where('assignments.account_id', '=', accountId);
}
export type OfferRow = Awaited<ReturnType<ReturnType<typeof offerQuery>['executeTakeFirstOrThrow']>>;

export const dispatchesRepo = {
  async insert(
    db: Executor,
    values: {
      accountId: number;
      eventId: number;
      serviceTypeId: number;
      strategy: DispatchStrategy;
      offerTtlMinutes: number;
      fanout: number | null;
      payCents: number | null;
      candidates: number[] | null;
      createdBy: number | null;
    },
  ): Promise<number> {
    const row = await db
      .insertInto('dispatches')
      .values({
        account_id: values.accountId,
        event_id: values.eventId,
        service_type_id: values.serviceTypeId,
        strategy: values.strategy,
        offer_ttl_minutes: values.offerTtlMinutes,
        fanout: values.fanout,
        pay_cents: values.payCents,
        candidates: values.candidates ? idArray(values.candidates) : null,
        created_by: values.createdBy,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  },

  async find(db: Executor, accountId: number, id: number): Promise<DispatchRow | null> {
    const row = await dispatchQuery(db, accountId).where('dispatches.id', '=', id).executeTakeFirst();
    return row ? toDispatch(row) : null;
  },

  async listByEvent(db: Executor, accountId: number, eventId: number): Promise<DispatchRow[]> {
    const rows = await dispatchQuery(db, accountId)
      .where('dispatches.event_id', '=', eventId)
      .orderBy('dispatches.id', 'desc')
      .execute();
    return rows.map(toDispatch);
  },

  async running(db: Executor, accountId: number, eventId: number, serviceTypeId?: number): Promise<DispatchRow[]> {
    let query = dispatchQuery(db, accountId)
      .where('dispatches.event_id', '=', eventId)
      .where('dispatches.status', '=', 'running');
    if (serviceTypeId !== undefined) query = query.where('dispatches.service_type_id', '=', serviceTypeId);
    return (await query.orderBy('dispatches.id').execute()).map(toDispatch);
  },

  async finish(db: Executor, id: number, status: Exclude<DispatchStatus, 'running'>, at: Date): Promise<boolean> {
    const updated = await db
      .updateTable('dispatches')
      .set({ status, finished_at: at, updated_at: at })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .returning('id')
      .executeTakeFirst();
    return updated !== undefined;
  },

  /** Every offer of these dispatches (history included), oldest first. */
  offersOf(db: Executor, accountId: number, dispatchIds: readonly number[]) {
    if (dispatchIds.length === 0) return Promise.resolve([] as OfferRow[]);
    return offerQuery(db, accountId)
      .where('assignments.dispatch_id', 'in', dispatchIds)
      .orderBy('assignments.id')
      .execute();
  },

  findOffer(db: Executor, accountId: number, id: number): Promise<OfferRow | undefined> {
    return offerQuery(db, accountId).where('assignments.id', '=', id).executeTakeFirst();
  },

  /** Offers still waiting for this contact's answer (as a provider), soonest event first. */
  openOffersOfContact(db: Executor, accountId: number, contactId: number) {
    return offerQuery(db, accountId)
      .where('providers.contact_id', '=', contactId)
      .where('assignments.status', '=', 'offered')
      .orderBy('events.starts_at')
      .orderBy('assignments.id')
      .execute();
  },

  async insertOffer(
    db: Executor,
    values: {
      accountId: number;
      dispatchId: number;
      eventId: number;
      providerId: number;
      serviceTypeId: number;
      startsAt: Date;
      endsAt: Date;
      token: string;
      offeredAt: Date;
      expiresAt: Date;
    },
  ): Promise<number> {
    const row = await db
      .insertInto('assignments')
      .values({
        account_id: values.accountId,
        dispatch_id: values.dispatchId,
        event_id: values.eventId,
        provider_id: values.providerId,
        service_type_id: values.serviceTypeId,
        status: 'offered',
        starts_at: values.startsAt,
        ends_at: values.endsAt,
        offer_token: values.token,
        offered_at: values.offeredAt,
        expires_at: values.expiresAt,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  },

  /** Moves an offer on only if it is still `from` (a reply racing the timeout changes it once). */
  async closeOffer(
    db: Executor,
    id: number,
    change: { from: AssignmentStatus; to: AssignmentStatus; at: Date; source?: string | null; responded?: boolean },
  ): Promise<boolean> {
    const updated = await db
      .updateTable('assignments')
      .set({
        status: change.to,
        updated_at: change.at,
        ...(change.responded ? { responded_at: change.at } : {}),
        ...(change.source === undefined ? {} : { response_source: change.source }),
      })
      .where('id', '=', id)
      .where('status', '=', change.from)
      .returning('id')
      .executeTakeFirst();
    return updated !== undefined;
  },

  async openOfferCount(db: Executor, dispatchId: number): Promise<number> {
    const row = await db
      .selectFrom('assignments')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('dispatch_id', '=', dispatchId)
      .where('status', '=', 'offered')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  },

  /** Places still open for the service: what the staffing asks for minus what is held (assigned, accepted). */
  async openPlaces(db: Executor, accountId: number, eventId: number, serviceTypeId: number): Promise<number | null> {
    const line = await db
      .selectFrom('event_staffing')
      .select((eb) => [
        'event_staffing.quantity',
        eb
          .selectFrom('assignments')
          .select(sql<number>`count(*)::int`.as('held'))
          .where('assignments.account_id', '=', accountId)
          .where('assignments.event_id', '=', eventId)
          .where('assignments.service_type_id', '=', serviceTypeId)
          .where('assignments.status', 'in', HOLDING_STATUSES)
          .as('held'),
      ])
      .where('event_staffing.account_id', '=', accountId)
      .where('event_staffing.event_id', '=', eventId)
      .where('event_staffing.service_type_id', '=', serviceTypeId)
      .executeTakeFirst();
    if (!line) return null;
    return line.quantity - Number(line.held ?? 0);
  },

  /** The account's offer template: the newest whose WhatsApp buttons carry {{offer.accept_payload}}. */
  async offerTemplateId(db: Executor, accountId: number): Promise<number | null> {
    const row = await db
      .selectFrom('notification_templates')
      .select('id')
      .where('account_id', '=', accountId)
      .where(sql<boolean>`whatsapp->>'button_payloads' LIKE '%offer.accept_payload%'`)
      .orderBy('updated_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.id ?? null;
  },
};
