import { type Expression, expressionBuilder, type SqlBool, sql } from 'kysely';
import type { Database } from '../../db/schema.js';
import { MAX_EVENT_MS } from '../events/event-time.js';
import { HOLDING_STATUSES } from '../events/events.repo.js';
import { personSearchIds } from '../person-search.js';

export interface ProviderFilter {
  serviceTypeId?: number | undefined;
  region?: string | undefined;
  active?: boolean | undefined;
  /** Free for the whole interval: no assigned or accepted assignment overlapping [from, to). */
  availableBetween?: { from: Date; to: Date } | undefined;
  q?: string | undefined;
  /** Only that contact's profile (the contact panel finds a person's provider profile). */
  contactId?: number | undefined;
}

/**
 * The account's providers that pass `filter`, as one condition on `providers` alone: the list's count
 * needs no contact, and the page (which joins them) applies the same condition.
 */
export function providerFilterCondition(accountId: number, filter: ProviderFilter): Expression<SqlBool> {
  const eb = expressionBuilder<Database, 'providers'>();
  const { serviceTypeId, region, active, availableBetween, q, contactId } = filter;
  const conditions: Expression<SqlBool>[] = [eb('providers.account_id', '=', accountId)];
  if (contactId !== undefined) conditions.push(eb('providers.contact_id', '=', contactId));
  if (active !== undefined) conditions.push(eb('providers.active', '=', active));
  if (region) conditions.push(sql<SqlBool>`providers.regions @> ARRAY[${region}]::text[]`);
  if (serviceTypeId !== undefined) {
    conditions.push(
      eb.exists(
        eb
          .selectFrom('provider_services')
          .select(sql`1`.as('one'))
          .whereRef('provider_services.provider_id', '=', 'providers.id')
          .where('provider_services.service_type_id', '=', serviceTypeId),
      ),
    );
  }
  if (availableBetween) {
    // Matches the partial busy index (provider_id, starts_at, ends_at) WHERE status IN ('assigned', 'accepted').
    // No assignment lasts longer than an event may, so only those starting after `from - MAX_EVENT_MS` can
    // overlap: that bounds the index range (as the calendar does) instead of reading every past assignment.
    conditions.push(
      eb.not(
        eb.exists(
          eb
            .selectFrom('assignments')
            .select(sql`1`.as('one'))
            .whereRef('assignments.provider_id', '=', 'providers.id')
            .where('assignments.status', 'in', HOLDING_STATUSES)
            .where('assignments.starts_at', '<', availableBetween.to)
            .where('assignments.starts_at', '>', new Date(availableBetween.from.getTime() - MAX_EVENT_MS))
            .where('assignments.ends_at', '>', availableBetween.from),
        ),
      ),
    );
  }
  if (q) {
    conditions.push(eb('providers.contact_id', 'in', personSearchIds(accountId, q)));
  }
  return eb.and(conditions);
}
