import { findProviderClash, lockEventBooking, lockProviderBookings } from '../../crm/assignments/booking.js';
import { inTransaction, type TxContext } from '../../db/transaction.js';
import { RetryLaterError } from '../../jobs/job-definition.js';
import { safeEqual } from '../../shared/crypto.js';
import { type DispatchDeps, publishAfterCommit } from '../dispatch-deps.js';
import { advanceDispatch } from '../dispatch-progress.js';
import { dispatchesRepo, type OfferRow } from '../dispatches.repo.js';
import { OFFER_REPLIES } from '../offer-message.js';
import { offerEventData, offerReplyKey, replyToProvider } from '../offers.js';

export interface OfferReply {
  accountId: number;
  assignmentId: number;
  token: string;
  outcome: 'accept' | 'decline';
  /** Who answered: it must be the provider the offer went to. */
  contactId: number;
  source: 'button' | 'text';
  /** The incoming message: a rejected reply is answered once per message. */
  messageId: number;
}

export type ReplyResult = 'accepted' | 'declined' | 'filled' | 'busy' | 'repeated' | 'unavailable' | 'rejected';

type Status = 'accepted' | 'declined' | 'withdrawn' | 'expired';

/** Closes an open offer and tells the event page; false when something else closed it first. */
async function close(deps: DispatchDeps, tx: TxContext, offer: OfferRow, to: Status, source: string | null) {
  const now = deps.clock.now();
  const responded = source !== 'timeout' && source !== 'undelivered';
  if (!(await dispatchesRepo.closeOffer(tx.trx, offer.id, { from: 'offered', to, at: now, source, responded }))) {
    return false;
  }
  publishAfterCommit(deps, tx, offer.account_id, 'assignment.updated', {
    id: offer.id,
    event_id: offer.event_id,
    provider_id: offer.provider_id,
    dispatch_id: offer.dispatch_id,
    status: to,
  });
  return true;
}

async function afterAnswer(deps: DispatchDeps, tx: TxContext, offer: OfferRow) {
  if (offer.dispatch_id) await advanceDispatch(deps, tx, offer.dispatch_id, offer.account_id);
}

const reply = (deps: DispatchDeps, tx: TxContext, offer: OfferRow, outcome: string, text: string) =>
  replyToProvider(deps, tx, offer.account_id, {
    key: offerReplyKey(offer.id, outcome),
    contactId: offer.contact_id,
    text,
    assignmentId: offer.id,
    eventId: offer.event_id,
    dispatchId: offer.dispatch_id,
  });

/**
 * A provider's Aceitar / Recusar. The token and the replying contact must both match the offer, or
 * nothing changes and the sender is told the offer is no longer available. Accepting runs under the
 * event's and the provider's booking locks (as a manager's assignment does), so two providers taking
 * the last place at the same instant cannot both get it, nor can one provider be booked twice.
 */
export async function answerOffer(deps: DispatchDeps, input: OfferReply): Promise<ReplyResult> {
  return inTransaction(deps.db, async (tx) => {
    const peek = await dispatchesRepo.findOffer(tx.trx, input.accountId, input.assignmentId);
    const genuine =
      peek?.offer_token != null && safeEqual(peek.offer_token, input.token) && peek.contact_id === input.contactId;
    if (!peek || !genuine) {
      await replyToProvider(deps, tx, input.accountId, {
        key: offerReplyKey(input.assignmentId, `rejected:${input.messageId}`),
        contactId: input.contactId,
        text: OFFER_REPLIES.unavailable,
      });
      return 'rejected';
    }
    await lockEventBooking(tx.trx, peek.event_id);
    if (input.outcome === 'accept') await lockProviderBookings(tx.trx, [peek.provider_id]);
    const offer = (await dispatchesRepo.findOffer(tx.trx, input.accountId, input.assignmentId)) as OfferRow;

    if (offer.status !== 'offered') return answerClosedOffer(deps, tx, offer, input.outcome);
    if (input.outcome === 'decline') {
      await close(deps, tx, offer, 'declined', input.source);
      await record(deps, tx, offer, 'assignment.declined', input.source);
      await reply(deps, tx, offer, 'declined', OFFER_REPLIES.declined);
      await afterAnswer(deps, tx, offer);
      return 'declined';
    }
    return acceptOffer(deps, tx, offer, input.source);
  });
}

/** A reply to an offer already closed: the same answer again, a place taken meanwhile, or simply too late. */
async function answerClosedOffer(
  deps: DispatchDeps,
  tx: TxContext,
  offer: OfferRow,
  outcome: OfferReply['outcome'],
): Promise<ReplyResult> {
  if (offer.status === (outcome === 'accept' ? 'accepted' : 'declined')) {
    await reply(deps, tx, offer, 'repeated', OFFER_REPLIES.repeated);
    return 'repeated';
  }
  // Withdrawn because the places were filled (e.g. by someone accepting a moment earlier).
  if (outcome === 'accept' && offer.status === 'withdrawn') {
    const open = await dispatchesRepo.openPlaces(tx.trx, offer.account_id, offer.event_id, offer.service_type_id);
    if (open !== null && open <= 0) {
      await reply(deps, tx, offer, 'filled', OFFER_REPLIES.filled);
      return 'filled';
    }
  }
  await reply(deps, tx, offer, 'unavailable', OFFER_REPLIES.unavailable);
  return 'unavailable';
}

async function acceptOffer(deps: DispatchDeps, tx: TxContext, offer: OfferRow, source: OfferReply['source']) {
  const open = await dispatchesRepo.openPlaces(tx.trx, offer.account_id, offer.event_id, offer.service_type_id);
  if (offer.event_status === 'cancelled' || offer.event_status === 'done' || open === null || open <= 0) {
    await close(deps, tx, offer, 'withdrawn', source);
    await reply(deps, tx, offer, 'filled', OFFER_REPLIES.filled);
    await afterAnswer(deps, tx, offer);
    return 'filled' as const;
  }
  const clash = await findProviderClash(tx.trx, offer.account_id, offer.provider_id, {
    startsAt: offer.starts_at,
    endsAt: offer.ends_at,
  });
  if (clash) {
    await close(deps, tx, offer, 'withdrawn', source);
    await reply(
      deps,
      tx,
      offer,
      'busy',
      OFFER_REPLIES.busy({ title: clash.title, startsAt: clash.starts_at }, deps.timeZone),
    );
    await afterAnswer(deps, tx, offer);
    return 'busy' as const;
  }
  await close(deps, tx, offer, 'accepted', source);
  await record(deps, tx, offer, 'assignment.accepted', source);
  await reply(
    deps,
    tx,
    offer,
    'accepted',
    OFFER_REPLIES.accepted(
      {
        title: offer.title,
        startsAt: offer.starts_at,
        location: offer.location as Record<string, unknown>,
        service: offer.service,
      },
      deps.timeZone,
    ),
  );
  await afterAnswer(deps, tx, offer);
  return 'accepted' as const;
}

/** assignment.accepted / assignment.declined: notification rules, automation and webhooks react to them. */
async function record(deps: DispatchDeps, tx: TxContext, offer: OfferRow, name: string, source: string) {
  await deps.audit.record(
    {
      action: name,
      accountId: offer.account_id,
      targetType: 'assignment',
      targetId: offer.id,
      details: { event_id: offer.event_id, provider_id: offer.provider_id, source },
    },
    tx.trx,
  );
  await deps.businessEvents.record(tx, { accountId: offer.account_id, name, data: offerEventData(offer) });
}

// The timeout job is due at expires_at by the database's clock; allow for a little skew with ours.
const EXPIRY_SKEW_MS = 2000;

/**
 * No answer by expires_at (`timeout`), or the offer could not be delivered at all (`undelivered`, from
 * notification.failed): the offer expires (offer.expired) and the dispatch asks the next candidate.
 */
export async function expireOffer(
  deps: DispatchDeps,
  assignmentId: number,
  why: 'timeout' | 'undelivered' = 'timeout',
  /** The account the caller acts for, when it has one (a business event); the expiry job has only the id. */
  accountId?: number,
): Promise<'expired' | 'skipped'> {
  let peekQuery = deps.db
    .selectFrom('assignments')
    .select(['account_id', 'event_id', 'status'])
    .where('id', '=', assignmentId);
  if (accountId !== undefined) peekQuery = peekQuery.where('account_id', '=', accountId);
  const peek = await peekQuery.executeTakeFirst();
  if (peek?.status !== 'offered') return 'skipped';
  return inTransaction(deps.db, async (tx) => {
    await lockEventBooking(tx.trx, peek.event_id);
    const offer = await dispatchesRepo.findOffer(tx.trx, peek.account_id, assignmentId);
    if (offer?.status !== 'offered' || !offer.expires_at) return 'skipped';
    const early = offer.expires_at.getTime() - deps.clock.now().getTime();
    if (why === 'timeout' && early > EXPIRY_SKEW_MS) throw new RetryLaterError('The offer has not expired yet', early);
    await close(deps, tx, offer, 'expired', why);
    await deps.notifier.cancel(
      tx,
      offer.account_id,
      { assignmentId: offer.id, kind: 'offer' },
      'offer_closed: a oferta expirou antes de sair',
    );
    await deps.businessEvents.record(tx, {
      accountId: offer.account_id,
      name: 'offer.expired',
      data: { ...offerEventData(offer), reason: why },
    });
    await afterAnswer(deps, tx, offer);
    return 'expired';
  });
}
