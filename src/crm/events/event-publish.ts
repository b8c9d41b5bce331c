import type { AuditRepo } from '../../accounts/audit.repo.js';
import type { BusinessEvents } from '../../automation/business-events.js';
import type { Db } from '../../db/client.js';
import type { TxContext } from '../../db/transaction.js';
import type { EventBus } from '../../realtime/event-bus.js';
import type { EventRow } from './events.repo.js';

export interface EventsDeps {
  db: Db;
  audit: AuditRepo;
  events: EventBus;
  /** Durable reactions (notification rules, automation, webhooks) recorded with the change. */
  businessEvents: BusinessEvents;
  /** APP_TIMEZONE: how times are shown in messages and exports. */
  timeZone: string;
}

function eventData(row: EventRow, previous?: EventRow): Record<string, unknown> {
  return {
    id: row.id,
    title: row.title,
    starts_at: row.starts_at.toISOString(),
    ends_at: row.ends_at.toISOString(),
    status: row.status,
    client_id: row.client_id,
    ...(previous
      ? {
          previous: {
            starts_at: previous.starts_at.toISOString(),
            ends_at: previous.ends_at.toISOString(),
            status: previous.status,
          },
        }
      : {}),
  };
}

/**
 * Announces changes to an event: recorded as business events inside the transaction (notification
 * rules, automation and webhooks react to them durably) and published to realtime listeners after
 * commit. Names: event.created, event.updated (any change), event.rescheduled, event.confirmed,
 * event.cancelled, event.deleted.
 */
export async function announceEvent(
  deps: Pick<EventsDeps, 'events' | 'businessEvents'>,
  tx: TxContext,
  names: string[],
  row: EventRow,
  previous?: EventRow,
): Promise<void> {
  const data = eventData(row, previous);
  for (const name of names) await deps.businessEvents.record(tx, { accountId: row.account_id, name, data });
  tx.afterCommit(() => {
    for (const name of names) deps.events.publish({ accountId: row.account_id, name, data });
  });
}
