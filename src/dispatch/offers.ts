import type { TxContext } from '../db/transaction.js';
import { randomToken } from '../shared/crypto.js';
import type { Candidate } from './candidates/candidates.js';
import { type DispatchDeps, publishAfterCommit } from './dispatch-deps.js';
import { type DispatchRow, dispatchesRepo, type OfferRow } from './dispatches.repo.js';
import { OFFER_REPLIES, offerContent } from './offer-message.js';

export interface OfferedEvent {
  id: number;
  title: string;
  starts_at: Date;
  ends_at: Date;
  location: Record<string, unknown>;
}

/**
 * Offers the job to each candidate: an assignment `offered` with a random token (the reply buttons
 * carry it, so a payload cannot be forged for another offer), the offer notification due now, and the
 * timeout job at expires_at — all in the caller's transaction.
 */
export async function sendOffers(
  deps: DispatchDeps,
  tx: TxContext,
  dispatch: DispatchRow,
  event: OfferedEvent,
  candidates: readonly Candidate[],
  now: Date,
): Promise<number[]> {
  if (candidates.length === 0) return [];
  const templateId = await dispatchesRepo.offerTemplateId(tx.trx, dispatch.account_id);
  const expiresAt = new Date(now.getTime() + dispatch.offer_ttl_minutes * 60_000);
  const ids: number[] = [];
  for (const candidate of candidates) {
    const token = randomToken('', 12);
    const id = await dispatchesRepo.insertOffer(tx.trx, {
      accountId: dispatch.account_id,
      dispatchId: dispatch.id,
      eventId: event.id,
      providerId: candidate.id,
      serviceTypeId: dispatch.service_type_id,
      startsAt: event.starts_at,
      endsAt: event.ends_at,
      token,
      offeredAt: now,
      expiresAt,
    });
    const content = offerContent(
      {
        title: event.title,
        startsAt: event.starts_at,
        location: event.location,
        service: dispatch.service,
        payCents: dispatch.pay_cents === null ? null : Number(dispatch.pay_cents),
        expiresAt,
      },
      { assignmentId: id, token },
      deps.timeZone,
    );
    await deps.notifier.schedule(tx, dispatch.account_id, {
      key: `offer:${id}`,
      kind: 'offer',
      essential: true,
      contactId: candidate.contactId,
      eventId: event.id,
      assignmentId: id,
      dispatchId: dispatch.id,
      dueAt: now,
      templateId,
      content,
    });
    await deps.jobs.enqueue(
      'dispatch.expire_offer',
      { assignmentId: id },
      { tx, key: `offer-expiry:${id}`, runAt: expiresAt, accountId: dispatch.account_id },
    );
    publishAfterCommit(deps, tx, dispatch.account_id, 'assignment.updated', {
      id,
      event_id: event.id,
      provider_id: candidate.id,
      dispatch_id: dispatch.id,
      status: 'offered',
    });
    tx.afterCommit(() => deps.openOffers?.offered(dispatch.account_id, candidate.contactId));
    ids.push(id);
  }
  return ids;
}

/** The key of an answer to a provider: at most one per offer and outcome (`offer-reply:55:accepted`). */
export const offerReplyKey = (assignmentId: number | string, outcome: string) =>
  `offer-reply:${assignmentId}:${outcome}`;

/** A short text to a provider about an offer (kind offer_reply, essential, due now). */
export async function replyToProvider(
  deps: DispatchDeps,
  tx: TxContext,
  accountId: number,
  reply: {
    key: string;
    contactId: number;
    text: string;
    assignmentId?: number | null;
    eventId?: number | null;
    dispatchId?: number | null;
  },
): Promise<void> {
  await deps.notifier.schedule(tx, accountId, {
    key: reply.key,
    kind: 'offer_reply',
    essential: true,
    contactId: reply.contactId,
    eventId: reply.eventId ?? null,
    assignmentId: reply.assignmentId ?? null,
    dispatchId: reply.dispatchId ?? null,
    dueAt: deps.clock.now(),
    content: { text: reply.text },
  });
}

/** The data every assignment.* and offer.* business event carries. */
export const offerEventData = (offer: OfferRow) => ({
  id: offer.id,
  event_id: offer.event_id,
  provider_id: offer.provider_id,
  contact_id: offer.contact_id,
  service: offer.service,
  dispatch_id: offer.dispatch_id,
});

/**
 * Withdraws a dispatch's offers still waiting: `staffed` (the places were filled: a polite word to
 * those already asked) or `cancelled` (the manager stopped it). Offers not yet sent are cancelled.
 */
export async function withdrawOpenOffers(
  deps: DispatchDeps,
  tx: TxContext,
  dispatch: DispatchRow,
  why: 'staffed' | 'cancelled',
  now: Date,
): Promise<number> {
  const open = (await dispatchesRepo.offersOf(tx.trx, dispatch.account_id, [dispatch.id])).filter(
    (offer) => offer.status === 'offered',
  );
  for (const offer of open) {
    if (!(await dispatchesRepo.closeOffer(tx.trx, offer.id, { from: 'offered', to: 'withdrawn', at: now }))) continue;
    const unsent = await deps.notifier.cancel(
      tx,
      dispatch.account_id,
      { assignmentId: offer.id, kind: 'offer' },
      why === 'staffed'
        ? 'offer_closed: as vagas foram preenchidas'
        : 'offer_closed: a escala automática foi cancelada',
    );
    // Only someone who received the offer needs to hear it is gone.
    if (why === 'staffed' && unsent === 0) {
      await replyToProvider(deps, tx, dispatch.account_id, {
        key: offerReplyKey(offer.id, 'withdrawn'),
        assignmentId: offer.id,
        contactId: offer.contact_id,
        text: OFFER_REPLIES.staffed({ service: offer.service, title: offer.title }),
        eventId: offer.event_id,
        dispatchId: dispatch.id,
      });
    }
    await deps.businessEvents.record(tx, {
      accountId: dispatch.account_id,
      name: 'assignment.withdrawn',
      data: { ...offerEventData(offer), status: 'withdrawn', reason: why },
    });
    publishAfterCommit(deps, tx, dispatch.account_id, 'assignment.updated', {
      id: offer.id,
      event_id: offer.event_id,
      provider_id: offer.provider_id,
      dispatch_id: dispatch.id,
      status: 'withdrawn',
    });
  }
  return open.length;
}
