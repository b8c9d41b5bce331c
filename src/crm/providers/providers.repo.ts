import { type Kysely, sql } from 'kysely';
import type { AssignmentStatus, Database } from '../../db/schema.js';
import { LIVE_STATUSES } from '../events/events.repo.js';
import { type ProviderFilter, providerFilterCondition } from './provider-filter.js';

type Executor = Kysely<Database>;

// One parameter per element, as contacts' labels do: both drivers (pg and PGlite) bind them the same way.
const textArray = (values: string[]) => sql<string[]>`ARRAY[${sql.join(values)}]::text[]`;

function viewQuery(db: Executor, accountId: number) {
  return (
    db
      .selectFrom('providers')
      // Each provider's contact by its primary key. As a plain join, PostgreSQL sorted a 5,000-provider list
      // by name by hashing every contact of the account (a million: 400 ms); OFFSET 0 keeps this subquery a
      // per-provider index lookup (npm run bench:crm, provider availability).
      .innerJoinLateral(
        (eb) =>
          eb
            .selectFrom('contacts')
            .select([
              'contacts.name',
              'contacts.phone_number',
              'contacts.email',
              'contacts.document',
              'contacts.document_kind',
            ])
            .whereRef('contacts.id', '=', 'providers.contact_id')
            .offset(0)
            .as('contacts'),
        (join) => join.onTrue(),
      )
      .select([
        'providers.id',
        'providers.contact_id',
        'providers.regions',
        'providers.active',
        'providers.rating',
        'providers.notes',
        'providers.created_at',
        'providers.updated_at',
        'contacts.name',
        'contacts.phone_number',
        'contacts.email',
        'contacts.document',
        'contacts.document_kind',
      ])
      .where('providers.account_id', '=', accountId)
  );
}

export type ProviderRow = Awaited<ReturnType<typeof providersRepo.find>> & {};

export type UpcomingAssignment = Awaited<ReturnType<typeof providersRepo.upcomingAssignments>>[number];
export type AssignmentCounts = Record<AssignmentStatus, number>;

/** A provider with its name, whether it is active and the service types it offers; null when not in the account. */
export async function findProviderWithServices(db: Executor, accountId: number, providerId: number) {
  const provider = await providersRepo.find(db, accountId, providerId);
  if (!provider) return null;
  const services = (await providersRepo.servicesOf(db, accountId, [providerId])).get(providerId) ?? [];
  return { ...provider, services, serviceTypeIds: services.map((service) => service.id) };
}

/** Provider profiles and the service types they offer; every query takes the account. */
export const providersRepo = {
  find(db: Executor, accountId: number, id: number) {
    return viewQuery(db, accountId).where('providers.id', '=', id).executeTakeFirst();
  },

  findByContact(db: Executor, accountId: number, contactId: number) {
    return viewQuery(db, accountId).where('providers.contact_id', '=', contactId).executeTakeFirst();
  },

  lock(db: Executor, accountId: number, id: number) {
    return db
      .selectFrom('providers')
      .select(['id', 'contact_id'])
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
  },

  /** Service types per provider, by name. */
  async servicesOf(db: Executor, accountId: number, providerIds: number[]) {
    const byProvider = new Map<number, Array<{ id: number; name: string }>>();
    if (providerIds.length === 0) return byProvider;
    const rows = await db
      .selectFrom('provider_services')
      .innerJoin('service_types', 'service_types.id', 'provider_services.service_type_id')
      .select(['provider_services.provider_id', 'service_types.id', 'service_types.name'])
      .where('provider_services.account_id', '=', accountId)
      .where('provider_services.provider_id', 'in', providerIds)
      .orderBy(sql`lower(service_types.name)`)
      .execute();
    for (const row of rows) {
      const list = byProvider.get(row.provider_id) ?? [];
      list.push({ id: row.id, name: row.name });
      byProvider.set(row.provider_id, list);
    }
    return byProvider;
  },

  /** Makes the provider offer exactly these service types. */
  async setServices(db: Executor, accountId: number, providerId: number, serviceTypeIds: number[]) {
    let removal = db
      .deleteFrom('provider_services')
      .where('account_id', '=', accountId)
      .where('provider_id', '=', providerId);
    if (serviceTypeIds.length > 0) removal = removal.where('service_type_id', 'not in', serviceTypeIds);
    await removal.execute();
    if (serviceTypeIds.length === 0) return;
    await db
      .insertInto('provider_services')
      .values(serviceTypeIds.map((id) => ({ provider_id: providerId, service_type_id: id, account_id: accountId })))
      .onConflict((conflict) => conflict.doNothing())
      .execute();
  },

  /** Inserts the profile unless the contact already has one (then undefined). */
  insert(
    db: Executor,
    values: { accountId: number; contactId: number; regions: string[]; active: boolean; notes: string },
  ) {
    return db
      .insertInto('providers')
      .values({
        account_id: values.accountId,
        contact_id: values.contactId,
        regions: textArray(values.regions),
        active: values.active,
        notes: values.notes,
      })
      .onConflict((conflict) => conflict.column('contact_id').doNothing())
      .returning('id')
      .executeTakeFirst();
  },

  async update(
    db: Executor,
    accountId: number,
    id: number,
    values: { regions?: string[] | undefined; active?: boolean | undefined; notes?: string | undefined },
  ) {
    await db
      .updateTable('providers')
      .set({
        ...(values.regions ? { regions: textArray(values.regions) } : {}),
        ...(values.active === undefined ? {} : { active: values.active }),
        ...(values.notes === undefined ? {} : { notes: values.notes }),
        updated_at: sql`now()`,
      })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .execute();
  },

  async delete(db: Executor, accountId: number, id: number) {
    await db.deleteFrom('providers').where('account_id', '=', accountId).where('id', '=', id).execute();
  },

  async hasAssignments(db: Executor, accountId: number, id: number): Promise<boolean> {
    const row = await db
      .selectFrom('assignments')
      .select('id')
      .where('account_id', '=', accountId)
      .where('provider_id', '=', id)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  },

  async page(db: Executor, accountId: number, filter: ProviderFilter, options: { page: number; perPage: number }) {
    const matches = providerFilterCondition(accountId, filter);
    // The count needs no contact; it runs while the page is read.
    const [{ n }, rows] = await Promise.all([
      db
        .selectFrom('providers')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where(matches)
        .executeTakeFirstOrThrow(),
      viewQuery(db, accountId)
        .where(matches)
        .orderBy(sql`lower(contacts.name)`)
        .orderBy('providers.id')
        .limit(options.perPage)
        .offset((options.page - 1) * options.perPage)
        .execute(),
    ]);
    return { count: Number(n), rows };
  },

  /** Assignments still ahead (held or offered), soonest first. */
  upcomingAssignments(db: Executor, accountId: number, providerId: number, now: Date, limit = 20) {
    return db
      .selectFrom('assignments')
      .innerJoin('events', 'events.id', 'assignments.event_id')
      .innerJoin('service_types', 'service_types.id', 'assignments.service_type_id')
      .select([
        'assignments.id',
        'assignments.event_id',
        'events.title as event_title',
        'assignments.service_type_id',
        'service_types.name as service_name',
        'assignments.status',
        'assignments.starts_at',
        'assignments.ends_at',
        'assignments.expires_at',
      ])
      .where('assignments.account_id', '=', accountId)
      .where('assignments.provider_id', '=', providerId)
      .where('assignments.status', 'in', LIVE_STATUSES)
      .where('assignments.ends_at', '>', now)
      .orderBy('assignments.starts_at')
      .limit(limit)
      .execute();
  },

  async assignmentCounts(db: Executor, accountId: number, providerId: number): Promise<AssignmentCounts> {
    const rows = await db
      .selectFrom('assignments')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('account_id', '=', accountId)
      .where('provider_id', '=', providerId)
      .groupBy('status')
      .execute();
    const counts: AssignmentCounts = {
      assigned: 0,
      offered: 0,
      accepted: 0,
      declined: 0,
      expired: 0,
      withdrawn: 0,
      cancelled: 0,
    };
    for (const row of rows) counts[row.status] = Number(row.n);
    return counts;
  },

  /** One batch of the account's providers after `afterId`, oldest first (exports walk them all). */
  batch(db: Executor, accountId: number, afterId: number, limit: number) {
    return viewQuery(db, accountId).where('providers.id', '>', afterId).orderBy('providers.id').limit(limit).execute();
  },
};
