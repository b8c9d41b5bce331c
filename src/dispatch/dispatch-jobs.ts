import { z } from 'zod';
import type { BusinessEventListener } from '../automation/business-events.js';
import { defineJob } from '../jobs/job-definition.js';
import type { DispatchService } from './dispatch.service.js';
import { incomingReplyOf } from './replies/incoming-replies.js';
import type { OpenOffersCache } from './replies/open-offers-cache.js';

/** dispatch.expire_offer, due at the offer's expires_at (key `offer-expiry:<assignment id>`). */
export function createExpireOfferJob(dispatch: Pick<DispatchService, 'expireOffer'>) {
  return defineJob({
    name: 'dispatch.expire_offer',
    schema: z.object({ assignmentId: z.number().int().positive() }),
    handler: async ({ assignmentId }) =>
      (await dispatch.expireOffer(assignmentId)) === 'expired' ? 'done' : 'skipped',
  });
}

/** Business events dispatch reacts to: providers' answers, undeliverable offers, cancelled events. */
export function dispatchListeners(
  dispatch: Pick<DispatchService, 'handleIncomingReply' | 'cancelForEvent' | 'expireOffer' | 'noticeRescheduled'>,
  openOffers: OpenOffersCache,
): BusinessEventListener[] {
  return [
    {
      id: 'dispatch.offer_replies',
      wants: (event) => {
        if (event.name !== 'message.incoming') return false;
        const reply = incomingReplyOf(event.data);
        // A button carries its offer; a typed answer only matters from someone with an offer out.
        return (
          reply?.kind === 'payload' ||
          (reply?.kind === 'text' && openOffers.mayHaveOffer(event.accountId, Number(event.data.contact_id)))
        );
      },
      handle: async (event) => {
        await dispatch.handleIncomingReply(event.accountId, event.data);
      },
    },
    {
      // An offer that cannot reach the provider (no WhatsApp, no SMS) should not hold the line until it expires.
      id: 'dispatch.offer_undelivered',
      wants: (event) =>
        event.name === 'notification.failed' &&
        event.data.kind === 'offer' &&
        typeof event.data.assignment_id === 'number',
      handle: async (event) => {
        await dispatch.expireOffer(event.data.assignment_id as number, 'undelivered', event.accountId);
      },
    },
    {
      id: 'dispatch.event_rescheduled',
      wants: (event) => event.name === 'event.rescheduled',
      handle: async (event) => {
        const eventId = Number(event.data.id);
        if (Number.isInteger(eventId)) await dispatch.noticeRescheduled(event.accountId, eventId);
      },
    },
    {
      id: 'dispatch.event_cancelled',
      wants: (event) => event.name === 'event.cancelled',
      handle: async (event) => {
        const eventId = Number(event.data.id);
        if (Number.isInteger(eventId)) await dispatch.cancelForEvent(event.accountId, eventId);
      },
    },
  ];
}
