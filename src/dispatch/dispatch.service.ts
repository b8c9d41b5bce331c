import { lockEventBooking } from '../crm/assignments/booking.js';
import { resolveServiceType } from '../crm/events/event-references.js';
import { formatLocalDateTime } from '../crm/events/event-time.js';
import { findEvent } from '../crm/events/events.repo.js';
import { inTransaction, type TxContext } from '../db/transaction.js';
import { AppError, notFound } from '../shared/errors.js';
import { automaticCandidates, type DispatchTarget, listedCandidateProblems } from './candidates/candidates.js';
import type { DispatchDeps } from './dispatch-deps.js';
import { advanceDispatch, finish } from './dispatch-progress.js';
import { dispatchView, type StartDispatchInput, StartDispatchSchema } from './dispatch-schemas.js';
import { type DispatchRow, dispatchesRepo } from './dispatches.repo.js';
import { replyToProvider, withdrawOpenOffers } from './offers.js';
import { handleIncomingReply } from './replies/incoming-replies.js';
import { answerOffer, expireOffer } from './replies/offer-responses.js';

/** Who starts or cancels a dispatch: a person (userId), or automation (no user). */
export interface DispatchActor {
  accountId: number;
  userId: number | null;
  ip?: string | null;
}

const unprocessable = (field: string, message: string) => new AppError('unprocessable', message, [{ field, message }]);
const EVENT_STATUS_LABELS = { cancelled: 'cancelado', done: 'realizado' } as const;

/**
 * Provider dispatch: offering an event's open places for one service to providers over WhatsApp,
 * taking their Aceitar / Recusar (or a plain "sim"), moving on when they decline or do not answer,
 * and calling an attendant when nobody is left. Everything that changes a dispatch runs under the
 * event's booking lock, the same one manual assignments take.
 */
export function createDispatchService(deps: DispatchDeps) {
  const { db } = deps;

  async function view(accountId: number, id: number) {
    const dispatch = await dispatchesRepo.find(db, accountId, id);
    if (!dispatch) throw notFound('Escala automática');
    return dispatchView(dispatch, await dispatchesRepo.offersOf(db, accountId, [id]));
  }

  async function stop(tx: TxContext, dispatch: DispatchRow) {
    const now = deps.clock.now();
    await withdrawOpenOffers(deps, tx, dispatch, 'cancelled', now);
    await deps.notifier.cancel(
      tx,
      dispatch.account_id,
      { dispatchId: dispatch.id, kind: 'offer' },
      'offer_closed: a escala automática foi cancelada',
    );
    return finish(deps, tx, dispatch, 'cancelled', now);
  }

  return {
    /** Starts offering; 422 for a service the event does not need or ineligible candidates, 409 when full or already running. */
    async start(actor: DispatchActor, eventId: number, raw: StartDispatchInput) {
      const parsed = StartDispatchSchema.safeParse(raw);
      if (!parsed.success) {
        throw new AppError(
          'unprocessable',
          'Dados da escala automática inválidos.',
          parsed.error.issues.map((issue) => ({ field: issue.path.join('.'), message: issue.message })),
        );
      }
      const input = parsed.data;
      const { accountId } = actor;
      const id = await inTransaction(db, async (tx) => {
        const { trx } = tx;
        await lockEventBooking(trx, eventId);
        const event = await findEvent(trx, accountId, eventId);
        if (!event) throw notFound('Evento');
        if (event.status === 'cancelled' || event.status === 'done') {
          throw unprocessable(
            'event_id',
            `Não dá para chamar prestadores para um evento ${EVENT_STATUS_LABELS[event.status]}.`,
          );
        }
        const service = await resolveServiceType(trx, accountId, input.service, 'service');
        const open = await dispatchesRepo.openPlaces(trx, accountId, eventId, service.id);
        if (open === null) throw unprocessable('service', `O evento não tem vagas de ${service.name}.`);
        if (open <= 0) {
          throw new AppError('staffing_full', `As vagas de ${service.name} deste evento já estão preenchidas.`);
        }
        const [running] = await dispatchesRepo.running(trx, accountId, eventId, service.id);
        if (running) {
          throw new AppError(
            'conflict',
            `Já há uma escala automática de ${service.name} em andamento para este evento (#${running.id}).`,
            { dispatch_id: running.id },
          );
        }
        const target: DispatchTarget = {
          accountId,
          eventId,
          serviceTypeId: service.id,
          startsAt: event.starts_at,
          endsAt: event.ends_at,
          location: event.location as Record<string, unknown>,
        };
        if (input.candidates) {
          const problems = await listedCandidateProblems(trx, target, input.candidates);
          if (problems.length > 0) {
            throw new AppError(
              'unprocessable',
              `Estes prestadores não podem receber a oferta: ${problems.map((problem) => problem.message).join('; ')}.`,
              problems,
            );
          }
        } else if ((await automaticCandidates(trx, target)).length === 0) {
          throw unprocessable(
            'service',
            `Nenhum prestador ativo de ${service.name}, livre no horário e que atenda a região do evento ainda não foi chamado.`,
          );
        }
        const dispatchId = await dispatchesRepo.insert(trx, {
          accountId,
          eventId,
          serviceTypeId: service.id,
          strategy: input.strategy,
          offerTtlMinutes: input.offer_ttl_minutes ?? 30,
          fanout: input.strategy === 'broadcast' ? (input.fanout ?? open * 3) : null,
          payCents: input.pay_cents ?? null,
          candidates: input.candidates ?? null,
          createdBy: actor.userId,
        });
        await deps.audit.record(
          {
            action: 'dispatch.started',
            accountId,
            actorUserId: actor.userId,
            targetType: 'dispatch',
            targetId: dispatchId,
            ip: actor.ip ?? null,
            details: { event_id: eventId, service: service.name, strategy: input.strategy },
          },
          trx,
        );
        await advanceDispatch(deps, tx, dispatchId, accountId);
        return dispatchId;
      });
      return view(accountId, id);
    },

    get: view,

    async listForEvent(accountId: number, eventId: number) {
      if (!(await findEvent(db, accountId, eventId))) throw notFound('Evento');
      const dispatches = await dispatchesRepo.listByEvent(db, accountId, eventId);
      const offers = await dispatchesRepo.offersOf(
        db,
        accountId,
        dispatches.map((dispatch) => dispatch.id),
      );
      return dispatches.map((dispatch) => dispatchView(dispatch, offers));
    },

    /** Stops a running dispatch: open offers are withdrawn, unsent ones cancelled. */
    async cancel(actor: DispatchActor, id: number) {
      const found = await dispatchesRepo.find(db, actor.accountId, id);
      if (!found) throw notFound('Escala automática');
      await inTransaction(db, async (tx) => {
        await lockEventBooking(tx.trx, found.event_id);
        const dispatch = await dispatchesRepo.find(tx.trx, actor.accountId, id);
        if (dispatch?.status !== 'running') {
          throw new AppError('conflict', `Esta escala automática já terminou (${dispatch?.status ?? 'removida'}).`);
        }
        await stop(tx, dispatch);
        await deps.audit.record(
          {
            action: 'dispatch.cancelled',
            accountId: actor.accountId,
            actorUserId: actor.userId,
            targetType: 'dispatch',
            targetId: id,
            ip: actor.ip ?? null,
            details: { event_id: dispatch.event_id, service: dispatch.service },
          },
          tx.trx,
        );
      });
      return view(actor.accountId, id);
    },

    /** A cancelled event stops its dispatches (its offers were already cancelled with it). */
    async cancelForEvent(accountId: number, eventId: number): Promise<number> {
      return inTransaction(db, async (tx) => {
        await lockEventBooking(tx.trx, eventId);
        let stopped = 0;
        for (const dispatch of await dispatchesRepo.running(tx.trx, accountId, eventId)) {
          if (await stop(tx, dispatch)) stopped++;
        }
        return stopped;
      });
    },

    /**
     * The event moved while offers were out: each provider still asked hears the new date and time (the
     * offer stands; accepting re-checks that they are free then). Once per offer and new start.
     */
    async noticeRescheduled(accountId: number, eventId: number): Promise<number> {
      return inTransaction(db, async (tx) => {
        const event = await findEvent(tx.trx, accountId, eventId);
        if (!event) return 0;
        const open = await tx.trx
          .selectFrom('assignments')
          .innerJoin('providers', 'providers.id', 'assignments.provider_id')
          .select(['assignments.id', 'assignments.dispatch_id', 'providers.contact_id'])
          .where('assignments.account_id', '=', accountId)
          .where('assignments.event_id', '=', eventId)
          .where('assignments.status', '=', 'offered')
          .execute();
        const when = formatLocalDateTime(event.starts_at, deps.timeZone);
        for (const offer of open) {
          await replyToProvider(deps, tx, accountId, {
            key: `offer-moved:${offer.id}:${event.starts_at.getTime()}`,
            contactId: offer.contact_id,
            text: `Atenção: o evento "${event.title}" mudou para ${when}. A oferta continua valendo para o novo horário.`,
            assignmentId: offer.id,
            eventId,
            dispatchId: offer.dispatch_id,
          });
        }
        return open.length;
      });
    },

    answerOffer: (input: Parameters<typeof answerOffer>[1]) => answerOffer(deps, input),
    expireOffer: (assignmentId: number, why?: 'timeout' | 'undelivered', accountId?: number) =>
      expireOffer(deps, assignmentId, why, accountId),
    handleIncomingReply: (accountId: number, data: Record<string, unknown>) =>
      handleIncomingReply(deps, accountId, data),
  };
}

export type DispatchService = ReturnType<typeof createDispatchService>;
