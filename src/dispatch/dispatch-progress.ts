import { formatLocalDateTime } from '../crm/events/event-time.js';
import { findEvent } from '../crm/events/events.repo.js';
import type { TxContext } from '../db/transaction.js';
import { noteForAttendants } from './attendant-note.js';
import { automaticCandidates, type DispatchTarget, listedCandidates } from './candidates/candidates.js';
import { type DispatchDeps, publishAfterCommit } from './dispatch-deps.js';
import { type DispatchRow, dispatchesRepo } from './dispatches.repo.js';
import { sendOffers, withdrawOpenOffers } from './offers.js';

/** How many offers a dispatch keeps out at once: every open place (sequential), or its fan-out (broadcast). */
export const offerWidth = (dispatch: Pick<DispatchRow, 'strategy' | 'fanout'>, openPlaces: number) =>
  dispatch.strategy === 'broadcast' ? Math.max(dispatch.fanout ?? openPlaces * 3, openPlaces) : openPlaces;

/**
 * Moves a running dispatch forward after anything changed (start, an answer, a timeout): completes it
 * when the places are filled (withdrawing the other offers), tops the offers up to its width from the
 * next candidates, or — nobody left to ask and nobody still deciding — marks it exhausted and tells an
 * attendant. Runs under the event's booking lock, in the caller's transaction.
 */
export async function advanceDispatch(deps: DispatchDeps, tx: TxContext, dispatchId: number, accountId: number) {
  const now = deps.clock.now();
  const dispatch = await dispatchesRepo.find(tx.trx, accountId, dispatchId);
  if (dispatch?.status !== 'running') return;
  const event = await findEvent(tx.trx, accountId, dispatch.event_id);
  if (!event || event.status === 'cancelled' || event.status === 'done') {
    await withdrawOpenOffers(deps, tx, dispatch, 'cancelled', now);
    await finish(deps, tx, dispatch, 'cancelled', now);
    return;
  }
  const openPlaces = (await dispatchesRepo.openPlaces(tx.trx, accountId, event.id, dispatch.service_type_id)) ?? 0;
  if (openPlaces <= 0) {
    await withdrawOpenOffers(deps, tx, dispatch, 'staffed', now);
    await finish(deps, tx, dispatch, 'completed', now);
    return;
  }
  const outstanding = await dispatchesRepo.openOfferCount(tx.trx, dispatch.id);
  const wanted = offerWidth(dispatch, openPlaces) - outstanding;
  const location = event.location as Record<string, unknown>;
  let sent = 0;
  if (wanted > 0) {
    const target: DispatchTarget = {
      accountId,
      eventId: event.id,
      serviceTypeId: dispatch.service_type_id,
      startsAt: event.starts_at,
      endsAt: event.ends_at,
      location,
    };
    const next = dispatch.candidates
      ? await listedCandidates(tx.trx, target, dispatch.candidates)
      : await automaticCandidates(tx.trx, target);
    sent = (await sendOffers(deps, tx, dispatch, { ...event, location }, next.slice(0, wanted), now)).length;
  }
  if (sent === 0 && outstanding === 0) {
    await exhaust(deps, tx, dispatch, { title: event.title, startsAt: event.starts_at, openPlaces }, event, now);
    return;
  }
  publishAfterCommit(deps, tx, accountId, 'dispatch.updated', dispatchData(dispatch));
}

const dispatchData = (dispatch: DispatchRow, status: string = dispatch.status) => ({
  id: dispatch.id,
  event_id: dispatch.event_id,
  service_type_id: dispatch.service_type_id,
  service: dispatch.service,
  status,
});

export async function finish(
  deps: DispatchDeps,
  tx: TxContext,
  dispatch: DispatchRow,
  status: 'completed' | 'exhausted' | 'cancelled',
  now: Date,
): Promise<boolean> {
  if (!(await dispatchesRepo.finish(tx.trx, dispatch.id, status, now))) return false;
  publishAfterCommit(deps, tx, dispatch.account_id, 'dispatch.updated', dispatchData(dispatch, status));
  return true;
}

/** Nobody left to ask: the dispatch ends, and the event's conversation gets a note saying what happened. */
async function exhaust(
  deps: DispatchDeps,
  tx: TxContext,
  dispatch: DispatchRow,
  summary: { title: string; startsAt: Date; openPlaces: number },
  event: { id: number; client_id: number; conversation_id: number | null },
  now: Date,
): Promise<void> {
  if (!(await finish(deps, tx, dispatch, 'exhausted', now))) return;
  const offers = await dispatchesRepo.offersOf(tx.trx, dispatch.account_id, [dispatch.id]);
  const named = (status: string) => offers.filter((offer) => offer.status === status).map((o) => o.provider_name);
  const declined = named('declined');
  const expired = named('expired');
  const list = (names: string[]) => (names.length > 0 ? names.join(', ') : 'ninguém');
  const text = [
    `Escala automática sem sucesso: ${summary.openPlaces} vaga(s) de ${dispatch.service} em "${summary.title}" (${formatLocalDateTime(summary.startsAt, deps.timeZone)}) continuam em aberto.`,
    `Recusaram: ${list(declined)}. Não responderam a tempo: ${list(expired)}.`,
    'Não há outros prestadores disponíveis para oferecer — escale manualmente.',
  ].join('\n');
  const client = await tx.trx
    .selectFrom('clients')
    .select('contact_id')
    .where('account_id', '=', dispatch.account_id)
    .where('id', '=', event.client_id)
    .executeTakeFirst();
  const conversationId = await noteForAttendants(
    deps,
    tx,
    { accountId: dispatch.account_id, conversationId: event.conversation_id, contactId: client?.contact_id ?? null },
    text,
    now,
    { dispatch_id: dispatch.id },
  );
  if (conversationId === null) {
    deps.logger.warn({ dispatchId: dispatch.id }, 'Dispatch exhausted with no conversation to flag for an attendant');
  }
  await deps.businessEvents.record(tx, {
    accountId: dispatch.account_id,
    name: 'dispatch.exhausted',
    data: {
      id: dispatch.id,
      event_id: event.id,
      service: dispatch.service,
      open_places: summary.openPlaces,
      declined,
      expired,
      conversation_id: conversationId,
    },
  });
}
