import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.js';
import { AppError } from '../../shared/errors.js';
import { formatLocalDateTime } from '../events/event-time.js';
import { HOLDING_STATUSES } from '../events/events.repo.js';

type Executor = Kysely<Database>;

// Booking decisions (is the slot free? is the provider free?) are read-then-write, so two requests could
// both see room. Each transaction takes transaction-scoped advisory locks first, always in one order:
// the event's (a transaction touches at most one event), then its providers' by ascending id. Nothing
// can wait in a cycle, so there are no deadlocks, and PGlite (one connection) simply runs them in turn.

const lock = (db: Executor, key: string) => sql`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(db);

export async function lockEventBooking(db: Executor, eventId: number): Promise<void> {
  await lock(db, `crm:event:${eventId}`);
}

export async function lockProviderBookings(db: Executor, providerIds: readonly number[]): Promise<void> {
  for (const id of [...new Set(providerIds)].sort((a, b) => a - b)) await lock(db, `crm:provider:${id}`);
}

/** The provider's first holding assignment overlapping [startsAt, endsAt), other than on `exceptEventId`. */
export async function findProviderClash(
  db: Executor,
  accountId: number,
  providerId: number,
  range: { startsAt: Date; endsAt: Date },
  exceptEventId?: number,
) {
  let query = db
    .selectFrom('assignments')
    .innerJoin('events', 'events.id', 'assignments.event_id')
    .select(['events.id as event_id', 'events.title', 'events.starts_at'])
    .where('assignments.account_id', '=', accountId)
    .where('assignments.provider_id', '=', providerId)
    .where('assignments.status', 'in', HOLDING_STATUSES)
    .where('assignments.starts_at', '<', range.endsAt)
    .where('assignments.ends_at', '>', range.startsAt)
    .orderBy('assignments.starts_at')
    .limit(1);
  if (exceptEventId !== undefined) query = query.where('assignments.event_id', '<>', exceptEventId);
  return (await query.executeTakeFirst()) ?? null;
}

/** 409 provider_unavailable naming the event the provider is already booked on. */
export function providerUnavailable(
  providerName: string,
  clash: { event_id: number; title: string; starts_at: Date },
  timeZone: string,
): AppError {
  const when = formatLocalDateTime(clash.starts_at, timeZone);
  return new AppError(
    'provider_unavailable',
    `${providerName} já está escalado(a) no evento "${clash.title}" em ${when}, no mesmo horário.`,
    { event_id: clash.event_id, title: clash.title, starts_at: clash.starts_at.toISOString() },
  );
}
