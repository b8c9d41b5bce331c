import type { AuditRepo } from '../accounts/audit.repo.js';
import type { BusinessEvents } from '../automation/business-events.js';
import type { Db } from '../db/client.js';
import type { TxContext } from '../db/transaction.js';
import type { JobSystem } from '../jobs/job-system.js';
import type { Notifier } from '../notify/notifier.js';
import type { EventBus } from '../realtime/event-bus.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { OpenOffersCache } from './replies/open-offers-cache.js';

export interface DispatchDeps {
  db: Db;
  audit: AuditRepo;
  /** Realtime: dispatch.updated and assignment.updated, so the event page follows live. */
  events: EventBus;
  /** Durable: assignment.accepted|declined|withdrawn, offer.expired, dispatch.exhausted. */
  businessEvents: BusinessEvents;
  jobs: JobSystem;
  /** Offers and the answers to replies are notifications (consent, channel choice, SMS fallback). */
  notifier: Pick<Notifier, 'schedule' | 'cancel'>;
  clock: Clock;
  /** APP_TIMEZONE: how dates and times read in offers and notes. */
  timeZone: string;
  logger: Logger;
  /** Told of each new offer, so a typed answer from that provider is listened to at once. */
  openOffers?: Pick<OpenOffersCache, 'offered'>;
}

/** Tells open event pages what changed, once the change committed. */
export function publishAfterCommit(
  deps: Pick<DispatchDeps, 'events'>,
  tx: TxContext,
  accountId: number,
  name: 'dispatch.updated' | 'assignment.updated',
  data: Record<string, unknown> & { event_id: number },
): void {
  tx.afterCommit(() => deps.events.publish({ accountId, name, data }));
}
