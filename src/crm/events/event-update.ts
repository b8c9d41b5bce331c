import type { EventStatus } from '../../db/schema.js';
import type { TxContext } from '../../db/transaction.js';
import type { InboxScope } from '../../inbox/inbox-access.js';
import type { Actor } from '../../inbox/member-set.js';
import { AppError, notFound } from '../../shared/errors.js';
import {
  findProviderClash,
  lockEventBooking,
  lockProviderBookings,
  providerUnavailable,
} from '../assignments/booking.js';
import { changedFields } from '../pipeline/references.js';
import { announceEvent, type EventsDeps } from './event-publish.js';
import {
  checkEventTimes,
  requireClient,
  resolveConversation,
  resolveServiceType,
  resolveStaffing,
} from './event-references.js';
import type { UpdateEventInput } from './event-schemas.js';
import {
  type EventRow,
  type EventValues,
  findEvent,
  HOLDING_STATUSES,
  LIVE_STATUSES,
  replaceStaffing,
  staffingOf,
  updateEvent,
} from './events.repo.js';

/** scheduled → confirmed → done; cancelled from scheduled or confirmed. done and cancelled are final. */
const NEXT_STATUSES: Record<EventStatus, readonly EventStatus[]> = {
  scheduled: ['confirmed', 'cancelled'],
  confirmed: ['done', 'cancelled'],
  done: [],
  cancelled: [],
};

const unprocessable = (field: string, message: string) => new AppError('unprocessable', message, [{ field, message }]);

/**
 * PATCH /events/:id in one transaction: edits, staffing replacement, status transitions and
 * rescheduling. A move re-checks every provider holding a place for double-booking (409 naming the
 * other event, nothing changed) and carries the assignments' times along; cancelling cancels them.
 */
export async function updateEventInTransaction(
  deps: EventsDeps,
  tx: TxContext,
  actor: Actor,
  id: number,
  input: UpdateEventInput,
  scope: InboxScope,
): Promise<void> {
  const { accountId } = actor;
  const { trx } = tx;
  await lockEventBooking(trx, id);
  const event = await findEvent(trx, accountId, id);
  if (!event) throw notFound('Evento');

  const status = input.status ?? event.status;
  if (status !== event.status && !NEXT_STATUSES[event.status].includes(status)) {
    throw unprocessable('status', `Um evento ${event.status} não pode passar para ${status}.`);
  }
  const startsAt = input.starts_at ?? event.starts_at;
  const endsAt = input.ends_at ?? event.ends_at;
  const moved = startsAt.getTime() !== event.starts_at.getTime() || endsAt.getTime() !== event.ends_at.getTime();
  const closed = event.status === 'done' || event.status === 'cancelled';
  if (moved && closed) throw unprocessable('starts_at', `Um evento ${event.status} não pode ser remarcado.`);
  if (input.staffing && closed) throw unprocessable('staffing', `As vagas de um evento ${event.status} não mudam.`);
  if (moved) checkEventTimes(startsAt, endsAt);

  const changes: Partial<EventValues> = {};
  if (input.title !== undefined) changes.title = input.title;
  if (input.notes !== undefined) changes.notes = input.notes;
  if (input.location !== undefined) changes.location = input.location;
  if (input.value_cents !== undefined) changes.value_cents = input.value_cents;
  if (input.client_id !== undefined) changes.client_id = (await requireClient(trx, accountId, input.client_id)).id;
  if (input.service_type !== undefined) {
    changes.service_type_id =
      input.service_type === null
        ? null
        : (await resolveServiceType(trx, accountId, input.service_type, 'service_type')).id;
  }
  if (input.conversation_id !== undefined) {
    changes.conversation_id =
      input.conversation_id === null ? null : await resolveConversation(trx, accountId, input.conversation_id, scope);
  }
  if (moved) Object.assign(changes, { starts_at: startsAt, ends_at: endsAt });
  if (status !== event.status) changes.status = status;

  if (moved && status !== 'cancelled') await checkProvidersStillFree(deps, trx, event, startsAt, endsAt);
  const staffingChange = input.staffing ? await replaceEventStaffing(trx, event, input.staffing) : null;

  const live = trx
    .updateTable('assignments')
    .where('account_id', '=', accountId)
    .where('event_id', '=', id)
    .where('status', 'in', LIVE_STATUSES);
  if (status === 'cancelled' && event.status !== 'cancelled') {
    const cancelled = await live.set({ status: 'cancelled', updated_at: new Date() }).returning('id').execute();
    for (const assignment of cancelled) {
      await deps.audit.record(
        {
          action: 'assignment.cancelled',
          accountId,
          actorUserId: actor.userId,
          targetType: 'assignment',
          targetId: assignment.id,
          ip: actor.ip,
          details: { after: { status: 'cancelled' }, reason: 'event_cancelled' },
        },
        trx,
      );
    }
  } else if (moved) {
    await live.set({ starts_at: startsAt, ends_at: endsAt, updated_at: new Date() }).execute();
  }

  const diff = changedFields(event, { ...event, ...changes }, Object.keys(changes) as Array<keyof EventRow>);
  if (!diff && !staffingChange) return;
  await updateEvent(trx, accountId, id, changes);
  const after = (await findEvent(trx, accountId, id)) as EventRow;
  const details = diff ?? { before: {}, after: {} };
  if (staffingChange) {
    details.before.staffing = staffingChange.before;
    details.after.staffing = staffingChange.after;
  }
  await deps.audit.record(
    {
      action: 'event.updated',
      accountId,
      actorUserId: actor.userId,
      targetType: 'event',
      targetId: id,
      ip: actor.ip,
      details,
    },
    trx,
  );
  await announceEvent(
    deps,
    tx,
    [
      'event.updated',
      ...(moved ? ['event.rescheduled'] : []),
      ...(changes.status === 'confirmed' ? ['event.confirmed'] : []),
      ...(changes.status === 'cancelled' ? ['event.cancelled'] : []),
    ],
    after,
    event,
  );
}

/** Every provider holding a place must be free at the new time (their own event excepted). */
async function checkProvidersStillFree(
  deps: EventsDeps,
  trx: TxContext['trx'],
  event: EventRow,
  startsAt: Date,
  endsAt: Date,
): Promise<void> {
  const holders = await trx
    .selectFrom('assignments')
    .innerJoin('providers', 'providers.id', 'assignments.provider_id')
    .innerJoin('contacts', 'contacts.id', 'providers.contact_id')
    .select(['assignments.provider_id', 'contacts.name'])
    .where('assignments.account_id', '=', event.account_id)
    .where('assignments.event_id', '=', event.id)
    .where('assignments.status', 'in', HOLDING_STATUSES)
    .execute();
  await lockProviderBookings(
    trx,
    holders.map((holder) => holder.provider_id),
  );
  for (const holder of holders) {
    const clash = await findProviderClash(trx, event.account_id, holder.provider_id, { startsAt, endsAt }, event.id);
    if (clash) throw providerUnavailable(holder.name, clash, deps.timeZone);
  }
}

/** Replaces the staffing; a line may not drop below the places already filled. */
async function replaceEventStaffing(
  trx: TxContext['trx'],
  event: EventRow,
  staffing: NonNullable<UpdateEventInput['staffing']>,
) {
  const current = await staffingOf(trx, event.account_id, [event.id]);
  const next = await resolveStaffing(trx, event.account_id, staffing);
  for (const line of current) {
    const filled = Number(line.filled ?? 0);
    const wanted = next.find((item) => item.serviceTypeId === line.service_type_id)?.quantity ?? 0;
    if (filled > wanted) {
      throw new AppError(
        'conflict',
        `${line.service} já tem ${filled} prestador(es) escalado(s); retire escalas antes de reduzir as vagas para ${wanted}.`,
        [{ field: 'staffing', message: `${line.service}: ${filled} escalado(s)` }],
      );
    }
  }
  await replaceStaffing(trx, event.account_id, event.id, next);
  const before = current.map((line) => `${line.service}:${line.quantity}`);
  const after = next.map((line) => `${line.service}:${line.quantity}`);
  return before.join() === after.join() ? null : { before, after };
}
