import type { Db } from '../../db/client.js';
import { inTransaction } from '../../db/transaction.js';
import type { JobSystem } from '../../jobs/job-system.js';
import type { BusinessEvent, BusinessEventListener } from '../business-events.js';
import { createSantanaPayloads, type SantanaSubject } from './santana-payloads.js';
import { recordDeliveries } from './webhook-dispatcher.js';
import type { SantanaWebhookEvent } from './webhook-events.js';
import { webhooksRepo } from './webhooks.repo.js';

const SUBSCRIPTIONS_TTL_MS = 2_000;

/** Business events → the webhook event and where the subject's id is in the event's data. */
const FROM_BUSINESS: Record<string, { event: SantanaWebhookEvent; subject: SantanaSubject }> = {
  'event.created': { event: 'event_created', subject: 'event' },
  'event.updated': { event: 'event_updated', subject: 'event' },
  'event.rescheduled': { event: 'event_rescheduled', subject: 'event' },
  'event.confirmed': { event: 'event_confirmed', subject: 'event' },
  'event.cancelled': { event: 'event_cancelled', subject: 'event' },
  'event.deleted': { event: 'event_deleted', subject: 'event' },
  'assignment.created': { event: 'assignment_created', subject: 'assignment' },
  'assignment.accepted': { event: 'assignment_accepted', subject: 'assignment' },
  'assignment.declined': { event: 'assignment_declined', subject: 'assignment' },
  'assignment.withdrawn': { event: 'assignment_withdrawn', subject: 'assignment' },
  'offer.expired': { event: 'offer_expired', subject: 'assignment' },
  'notification.sent': { event: 'notification_sent', subject: 'notification' },
  'notification.failed': { event: 'notification_failed', subject: 'notification' },
};

function subjectId(subject: SantanaSubject, data: Record<string, unknown>): number | null {
  const raw =
    subject === 'notification'
      ? (data.notification_id ?? data.id)
      : subject === 'assignment'
        ? (data.assignment_id ?? data.id)
        : data.id;
  const id = Number(raw);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

/**
 * Outgoing webhooks for Santana's own events (event_created, assignment_accepted, notification_failed…),
 * signed and delivered like Chatwoot's. Driven by business events, so a delivery is recorded for every
 * committed change even across crashes; the dedupe key (event, subject, time of the change) keeps a
 * retried job from recording it twice. Only account-wide webhooks get them: they belong to no inbox.
 */
export function createSantanaWebhookListener(deps: { db: Db; jobs: JobSystem }): BusinessEventListener & {
  forget(accountId: number): void;
} {
  const payloads = createSantanaPayloads({ db: deps.db });
  // Which events each account's account-wide webhooks subscribe to, refreshed in the background: `wants`
  // is synchronous, and without it every sent notification would cost a job even with no webhook at all.
  // Unknown or stale → yes (the handler checks again); only a fresh "nobody subscribes" says no.
  const subscribed = new Map<number, { until: number; events: Set<string> | null }>();
  const refresh = (accountId: number) => {
    const entry = { until: Date.now() + SUBSCRIPTIONS_TTL_MS, events: subscribed.get(accountId)?.events ?? null };
    subscribed.set(accountId, entry);
    webhooksRepo.subscriptionsOf(deps.db, accountId).then(
      (rows) => {
        entry.events = new Set(rows.filter((row) => row.inbox_id === null).flatMap((row) => row.subscriptions));
      },
      () => subscribed.delete(accountId),
    );
  };
  const mayWant = (accountId: number, event: string) => {
    const entry = subscribed.get(accountId);
    if (!entry || entry.until < Date.now()) refresh(accountId);
    return !entry?.events || entry.until < Date.now() || entry.events.has(event);
  };

  return {
    id: 'webhooks.santana_events',
    forget: (accountId) => void subscribed.delete(accountId),
    wants: (event) => {
      const route = FROM_BUSINESS[event.name];
      return route !== undefined && mayWant(event.accountId, route.event);
    },
    async handle(event: BusinessEvent) {
      const route = FROM_BUSINESS[event.name];
      const id = route ? subjectId(route.subject, event.data) : null;
      if (!route || id === null) return;
      const subscribers = await webhooksRepo.subscribedTo(deps.db, event.accountId, route.event);
      const webhookIds = subscribers.filter((webhook) => webhook.inbox_id === null).map((webhook) => webhook.id);
      if (webhookIds.length === 0) return;
      const body = await payloads.build(route.subject, event.accountId, id, event.data);
      const payload = JSON.stringify({ ...body, event: route.event, occurred_at: event.at });
      await inTransaction(deps.db, (tx) =>
        recordDeliveries(tx, deps.jobs, {
          accountId: event.accountId,
          webhookIds,
          event: route.event,
          dedupeKey: `${route.event}:${route.subject}:${id}:${event.at}`,
          payload,
        }),
      );
    },
  };
}
