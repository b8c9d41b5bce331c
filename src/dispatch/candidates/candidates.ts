import { type Kysely, sql } from 'kysely';
import { HOLDING_STATUSES } from '../../crm/events/events.repo.js';
import type { Database } from '../../db/schema.js';
import { coversPlace } from './regions.js';

type Executor = Kysely<Database>;

/** Who a dispatch is for: one service of one event, at the event's time and place. */
export interface DispatchTarget {
  accountId: number;
  eventId: number;
  serviceTypeId: number;
  startsAt: Date;
  endsAt: Date;
  location: Record<string, unknown>;
}

export interface Candidate {
  id: number;
  contactId: number;
  name: string;
  regions: string[];
  rating: number | null;
  /** accepted / (accepted + declined + expired) over the provider's past offers; null without any. */
  acceptanceRate: number | null;
}

// A provider never offered anything ranks as if they accepted half: newcomers get a fair chance
// without jumping ahead of people who reliably say yes.
const NEUTRAL_RATE = 0.5;

/** Best first: past acceptance rate, then rating (none counts as lowest), then the oldest profile. */
export function rankCandidates<T extends Pick<Candidate, 'id' | 'rating' | 'acceptanceRate'>>(candidates: T[]): T[] {
  return [...candidates].sort(
    (a, b) =>
      (b.acceptanceRate ?? NEUTRAL_RATE) - (a.acceptanceRate ?? NEUTRAL_RATE) ||
      (b.rating ?? -1) - (a.rating ?? -1) ||
      a.id - b.id,
  );
}

/**
 * Providers who could take the offer now: active, offering the service, not holding a place on an
 * overlapping event (this one included) and never asked for this event and service before. `only`
 * narrows to a manager's list. Region and ranking are applied by the caller.
 */
async function freeProviders(db: Executor, target: DispatchTarget, only?: readonly number[]): Promise<Candidate[]> {
  if (only && only.length === 0) return [];
  let query = db
    .selectFrom('providers')
    .innerJoin('contacts', 'contacts.id', 'providers.contact_id')
    .select((eb) => [
      'providers.id',
      'providers.contact_id',
      'contacts.name',
      'providers.regions',
      'providers.rating',
      eb
        .selectFrom('assignments as past')
        .select(sql<number>`count(*) FILTER (WHERE past.status = 'accepted')::int`.as('accepted'))
        .whereRef('past.provider_id', '=', 'providers.id')
        .where('past.offer_token', 'is not', null)
        .as('accepted'),
      eb
        .selectFrom('assignments as past')
        .select(sql<number>`count(*)::int`.as('answered'))
        .whereRef('past.provider_id', '=', 'providers.id')
        .where('past.offer_token', 'is not', null)
        .where('past.status', 'in', ['accepted', 'declined', 'expired'])
        .as('answered'),
    ])
    .where('providers.account_id', '=', target.accountId)
    .where('providers.active', '=', true)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('provider_services')
          .select(sql`1`.as('one'))
          .whereRef('provider_services.provider_id', '=', 'providers.id')
          .where('provider_services.service_type_id', '=', target.serviceTypeId),
      ),
    )
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('assignments as busy')
            .select(sql`1`.as('one'))
            .whereRef('busy.provider_id', '=', 'providers.id')
            .where('busy.status', 'in', HOLDING_STATUSES)
            .where('busy.starts_at', '<', target.endsAt)
            .where('busy.ends_at', '>', target.startsAt),
        ),
      ),
    )
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('assignments as asked')
            .select(sql`1`.as('one'))
            .whereRef('asked.provider_id', '=', 'providers.id')
            .where('asked.event_id', '=', target.eventId)
            .where('asked.service_type_id', '=', target.serviceTypeId),
        ),
      ),
    );
  if (only) query = query.where('providers.id', 'in', [...only]);
  const rows = await query.execute();
  return rows.map((row) => {
    const answered = Number(row.answered ?? 0);
    return {
      id: row.id,
      contactId: row.contact_id,
      name: row.name,
      regions: row.regions,
      rating: row.rating === null ? null : Number(row.rating),
      acceptanceRate: answered === 0 ? null : Number(row.accepted ?? 0) / answered,
    };
  });
}

/** Automatic choice: free providers covering the event's region, best first. */
export async function automaticCandidates(db: Executor, target: DispatchTarget): Promise<Candidate[]> {
  const free = await freeProviders(db, target);
  return rankCandidates(free.filter((candidate) => coversPlace(candidate.regions, target.location)));
}

/**
 * A manager's list, in the manager's order, keeping those still free. The region is not checked: the
 * manager chose them (someone may travel for the job).
 */
export async function listedCandidates(
  db: Executor,
  target: DispatchTarget,
  listed: readonly number[],
): Promise<Candidate[]> {
  const free = new Map((await freeProviders(db, target, listed)).map((candidate) => [candidate.id, candidate]));
  return listed.flatMap((id) => {
    const candidate = free.get(id);
    return candidate ? [candidate] : [];
  });
}

/** Why each listed provider cannot be offered the job (empty when all can), for a 422 naming them. */
export async function listedCandidateProblems(
  db: Executor,
  target: DispatchTarget,
  listed: readonly number[],
): Promise<Array<{ field: string; message: string }>> {
  const free = new Set((await freeProviders(db, target, listed)).map((candidate) => candidate.id));
  const rejected = [...new Set(listed)].filter((id) => !free.has(id));
  if (rejected.length === 0) return [];
  const rows = await db
    .selectFrom('providers')
    .innerJoin('contacts', 'contacts.id', 'providers.contact_id')
    .select((eb) => [
      'providers.id',
      'contacts.name',
      'providers.active',
      eb
        .exists(
          eb
            .selectFrom('provider_services')
            .select(sql`1`.as('one'))
            .whereRef('provider_services.provider_id', '=', 'providers.id')
            .where('provider_services.service_type_id', '=', target.serviceTypeId),
        )
        .as('offers_service'),
      eb
        .exists(
          eb
            .selectFrom('assignments as asked')
            .select(sql`1`.as('one'))
            .whereRef('asked.provider_id', '=', 'providers.id')
            .where('asked.event_id', '=', target.eventId)
            .where('asked.service_type_id', '=', target.serviceTypeId),
        )
        .as('asked'),
    ])
    .where('providers.account_id', '=', target.accountId)
    .where('providers.id', 'in', rejected)
    .execute();
  const found = new Map(rows.map((row) => [row.id, row]));
  return rejected.map((id) => {
    const field = `candidates.${listed.indexOf(id)}`;
    const row = found.get(id);
    if (!row) return { field, message: `prestador ${id} não encontrado` };
    const why = !row.active
      ? 'está inativo(a)'
      : !row.offers_service
        ? 'não presta este serviço'
        : row.asked
          ? 'já recebeu uma oferta para este serviço neste evento'
          : 'já está escalado(a) em outro evento no mesmo horário';
    return { field, message: `${row.name} (id ${id}) ${why}` };
  });
}
