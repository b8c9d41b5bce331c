import type { AuditRepo } from '../../accounts/audit.repo.js';
import type { BusinessEvents } from '../../automation/business-events.js';
import type { Db } from '../../db/client.js';
import { inTransaction, type TxContext } from '../../db/transaction.js';
import type { Actor } from '../../inbox/member-set.js';
import type { EventBus } from '../../realtime/event-bus.js';
import { AppError, notFound } from '../../shared/errors.js';
import { resolveServiceType } from '../events/event-references.js';
import type { EventView } from '../events/event-schemas.js';
import { assignmentsOf, findEvent, HOLDING_STATUSES, LIVE_STATUSES } from '../events/events.repo.js';
import { findProviderWithServices } from '../providers/providers.repo.js';
import { findProviderClash, lockEventBooking, lockProviderBookings, providerUnavailable } from './booking.js';

type AssignmentView = EventView['assignments'][number];

const unprocessable = (field: string, message: string) => new AppError('unprocessable', message, [{ field, message }]);

/**
 * A manager's direct assignment of a provider to an event, and its withdrawal. Every check runs after
 * the event's and the provider's booking locks, in the transaction that writes, so two requests racing
 * for the last slot, or for the same provider at the same time, cannot both win.
 */
export function createAssignmentsService(deps: {
  db: Db;
  audit: AuditRepo;
  events: EventBus;
  businessEvents: BusinessEvents;
  timeZone: string;
}) {
  const { db, audit } = deps;

  async function view(accountId: number, eventId: number, id: number): Promise<AssignmentView> {
    const found = (await assignmentsOf(db, accountId, [eventId])).find((assignment) => assignment.id === id);
    if (!found) throw notFound('Escala');
    return {
      ...found,
      starts_at: found.starts_at.toISOString(),
      ends_at: found.ends_at.toISOString(),
      created_at: found.created_at.toISOString(),
    };
  }

  /** Recorded for durable reactions (rules, automation, webhooks), published to realtime after commit. */
  async function announce(tx: TxContext, accountId: number, name: string, data: Record<string, unknown>) {
    await deps.businessEvents.record(tx, { accountId, name, data });
    tx.afterCommit(() => deps.events.publish({ accountId, name, data }));
  }

  return {
    async assign(actor: Actor, eventId: number, input: { provider_id: number; service: string | number }) {
      const { accountId } = actor;
      const id = await inTransaction(db, async ({ trx, afterCommit }) => {
        await lockEventBooking(trx, eventId);
        await lockProviderBookings(trx, [input.provider_id]);
        const event = await findEvent(trx, accountId, eventId);
        if (!event) throw notFound('Evento');
        if (event.status === 'cancelled' || event.status === 'done') {
          throw unprocessable('event_id', `Não dá para escalar prestadores num evento ${event.status}.`);
        }
        const provider = await findProviderWithServices(trx, accountId, input.provider_id);
        if (!provider) {
          throw new AppError('not_found', 'Prestador não encontrado (provider_id).', [
            { field: 'provider_id', message: 'não encontrado' },
          ]);
        }
        const service = await resolveServiceType(trx, accountId, input.service, 'service');
        if (!provider.active) throw unprocessable('provider_id', `${provider.name} está inativo(a).`);
        if (!provider.serviceTypeIds.includes(service.id)) {
          throw unprocessable('service', `${provider.name} não presta o serviço ${service.name}.`);
        }
        await checkSlotFree(trx, accountId, eventId, service);
        const clash = await findProviderClash(trx, accountId, provider.id, {
          startsAt: event.starts_at,
          endsAt: event.ends_at,
        });
        if (clash?.event_id === event.id) {
          throw new AppError('provider_unavailable', `${provider.name} já está escalado(a) neste evento.`, {
            event_id: event.id,
            title: event.title,
            starts_at: event.starts_at.toISOString(),
          });
        }
        if (clash) throw providerUnavailable(provider.name, clash, deps.timeZone);

        const created = await trx
          .insertInto('assignments')
          .values({
            account_id: accountId,
            event_id: eventId,
            provider_id: provider.id,
            service_type_id: service.id,
            status: 'assigned',
            starts_at: event.starts_at,
            ends_at: event.ends_at,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        const details = { event_id: eventId, provider_id: provider.id, service: service.name, status: 'assigned' };
        await audit.record(
          {
            action: 'assignment.created',
            accountId,
            actorUserId: actor.userId,
            targetType: 'assignment',
            targetId: created.id,
            ip: actor.ip,
            details: { after: details },
          },
          trx,
        );
        await announce({ trx, afterCommit }, accountId, 'assignment.created', { id: created.id, ...details });
        return created.id;
      });
      return view(accountId, eventId, id);
    },

    /** DELETE withdraws: the row stays as history (status withdrawn) and stops holding the slot. */
    async withdraw(actor: Actor, eventId: number, id: number): Promise<AssignmentView> {
      const { accountId } = actor;
      await inTransaction(db, async ({ trx, afterCommit }) => {
        await lockEventBooking(trx, eventId);
        const assignment = await trx
          .selectFrom('assignments')
          .select(['id', 'status', 'provider_id'])
          .where('account_id', '=', accountId)
          .where('event_id', '=', eventId)
          .where('id', '=', id)
          .executeTakeFirst();
        if (!assignment) throw notFound('Escala');
        if (!(LIVE_STATUSES as readonly string[]).includes(assignment.status)) {
          throw new AppError('conflict', `Esta escala já terminou (${assignment.status}).`);
        }
        await trx
          .updateTable('assignments')
          .set({ status: 'withdrawn', updated_at: new Date() })
          .where('id', '=', id)
          .execute();
        await audit.record(
          {
            action: 'assignment.withdrawn',
            accountId,
            actorUserId: actor.userId,
            targetType: 'assignment',
            targetId: id,
            ip: actor.ip,
            details: { before: { status: assignment.status }, after: { status: 'withdrawn' } },
          },
          trx,
        );
        await announce({ trx, afterCommit }, accountId, 'assignment.withdrawn', {
          id,
          event_id: eventId,
          provider_id: assignment.provider_id,
          status: 'withdrawn',
        });
      });
      return view(accountId, eventId, id);
    },
  };
}

/** 409 staffing_full when the event does not ask for the service or every place is taken. */
async function checkSlotFree(
  trx: TxContext['trx'],
  accountId: number,
  eventId: number,
  service: { id: number; name: string },
): Promise<void> {
  const line = await trx
    .selectFrom('event_staffing')
    .select('quantity')
    .where('account_id', '=', accountId)
    .where('event_id', '=', eventId)
    .where('service_type_id', '=', service.id)
    .executeTakeFirst();
  if (!line) throw new AppError('staffing_full', `O evento não tem vagas de ${service.name}.`);
  const taken = await trx
    .selectFrom('assignments')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('account_id', '=', accountId)
    .where('event_id', '=', eventId)
    .where('service_type_id', '=', service.id)
    .where('status', 'in', HOLDING_STATUSES)
    .executeTakeFirstOrThrow();
  if (Number(taken.count) >= line.quantity) {
    throw new AppError(
      'staffing_full',
      `As vagas de ${service.name} deste evento já estão preenchidas (${line.quantity} de ${line.quantity}).`,
    );
  }
}

export type AssignmentsService = ReturnType<typeof createAssignmentsService>;
