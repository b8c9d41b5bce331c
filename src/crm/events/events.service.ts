import { inTransaction } from '../../db/transaction.js';
import type { InboxScope } from '../../inbox/inbox-access.js';
import type { Actor } from '../../inbox/member-set.js';
import { AppError, notFound } from '../../shared/errors.js';
import { lockEventBooking } from '../assignments/booking.js';
import { calendarFilterOf, pageWindow } from './calendar-filter.js';
import { announceEvent, type EventsDeps } from './event-publish.js';
import {
  checkEventTimes,
  requireClient,
  resolveConversation,
  resolveServiceType,
  resolveStaffing,
} from './event-references.js';
import type { CreateEventInput, EventListQuery, EventView, UpdateEventInput } from './event-schemas.js';
import { updateEventInTransaction } from './event-update.js';
import { loadEventSummaries, loadEventViews } from './event-view.js';
import {
  calendarPage,
  calendarSummaryPage,
  deleteEvent,
  eventHasHistory,
  findEvent,
  insertEvent,
  listCalendar,
  replaceStaffing,
} from './events.repo.js';

/** Events booked for clients: the calendar, booking, editing, rescheduling, status and deletion. */
export function createEventsService(deps: EventsDeps) {
  const { db, audit } = deps;

  async function get(accountId: number, id: number): Promise<EventView> {
    const row = await findEvent(db, accountId, id);
    if (!row) throw notFound('Evento');
    const [view] = await loadEventViews(db, accountId, [row]);
    return view as EventView;
  }

  return {
    get,

    async list(accountId: number, query: EventListQuery) {
      const { rows, count } = await listCalendar(
        db,
        calendarFilterOf(accountId, query, pageWindow(query)),
        calendarPage,
      );
      return { meta: { count, current_page: query.page }, payload: await loadEventViews(db, accountId, rows) };
    },

    /** The same page as `list`, as the calendar draws it (EventSummary). */
    async summaries(accountId: number, query: EventListQuery) {
      const { rows, count } = await listCalendar(
        db,
        calendarFilterOf(accountId, query, pageWindow(query)),
        calendarSummaryPage,
      );
      return { meta: { count, current_page: query.page }, payload: await loadEventSummaries(db, accountId, rows) };
    },

    /** `scope`: the inboxes the caller sees (a conversation_id elsewhere answers 404). */
    async create(actor: Actor, input: CreateEventInput, scope: InboxScope): Promise<EventView> {
      checkEventTimes(input.starts_at, input.ends_at);
      const row = await inTransaction(db, async (tx) => {
        const { trx } = tx;
        const { accountId } = actor;
        await requireClient(trx, accountId, input.client_id);
        const serviceType = input.service_type
          ? await resolveServiceType(trx, accountId, input.service_type, 'service_type')
          : null;
        const staffing = await resolveStaffing(trx, accountId, input.staffing ?? []);
        const conversationId = input.conversation_id
          ? await resolveConversation(trx, accountId, input.conversation_id, scope)
          : null;
        const created = await insertEvent(trx, accountId, {
          client_id: input.client_id,
          service_type_id: serviceType?.id ?? null,
          title: input.title,
          starts_at: input.starts_at,
          ends_at: input.ends_at,
          location: input.location ?? {},
          value_cents: input.value_cents ?? null,
          notes: input.notes ?? '',
          status: 'scheduled',
          conversation_id: conversationId,
        });
        await replaceStaffing(trx, accountId, created.id, staffing);
        await audit.record(
          {
            action: 'event.created',
            accountId,
            actorUserId: actor.userId,
            targetType: 'event',
            targetId: created.id,
            ip: actor.ip,
            details: {
              after: {
                title: created.title,
                client_id: created.client_id,
                starts_at: created.starts_at.toISOString(),
                ends_at: created.ends_at.toISOString(),
                service_type: serviceType?.name ?? null,
                value_cents: created.value_cents,
                staffing: staffing.map((line) => `${line.service}:${line.quantity}`),
                conversation_id: input.conversation_id ?? null,
              },
            },
          },
          trx,
        );
        await announceEvent(deps, tx, ['event.created'], created);
        return created;
      });
      return get(actor.accountId, row.id);
    },

    async update(actor: Actor, id: number, input: UpdateEventInput, scope: InboxScope): Promise<EventView> {
      await inTransaction(db, (tx) => updateEventInTransaction(deps, tx, actor, id, input, scope));
      return get(actor.accountId, id);
    },

    /** Only an event nothing ever pointed at may go; anything with history is cancelled instead. */
    async remove(actor: Actor, id: number): Promise<void> {
      await inTransaction(db, async (tx) => {
        const { trx } = tx;
        // The same lock assignments take: none can be added between the check and the delete.
        await lockEventBooking(trx, id);
        const row = await findEvent(trx, actor.accountId, id);
        if (!row) throw notFound('Evento');
        if (await eventHasHistory(trx, actor.accountId, id)) {
          throw new AppError(
            'conflict',
            'Este evento já tem escalas, negócios ou atividades ligados a ele; cancele-o (status cancelled) em vez de excluir.',
          );
        }
        await deleteEvent(trx, actor.accountId, id);
        await audit.record(
          {
            action: 'event.deleted',
            accountId: actor.accountId,
            actorUserId: actor.userId,
            targetType: 'event',
            targetId: id,
            ip: actor.ip,
            details: { before: { title: row.title, starts_at: row.starts_at.toISOString(), status: row.status } },
          },
          trx,
        );
        await announceEvent(deps, tx, ['event.deleted'], row);
      });
    },
  };
}

export type EventsService = ReturnType<typeof createEventsService>;
