import type { AuditRepo } from '../../accounts/audit.repo.js';
import type { Db } from '../../db/client.js';
import type { EventBus } from '../../realtime/event-bus.js';
import type { EventRow } from './events.repo.js';

export interface EventsDeps {
  db: Db;
  audit: AuditRepo;
  events: EventBus;
  /** APP_TIMEZONE: how times are shown in messages and exports. */
  timeZone: string;
}

/**
 * What realtime listeners (and the notification rules) get about an event, published after commit:
 * event.created, event.updated (any change), event.rescheduled, event.confirmed, event.cancelled, event.deleted.
 */
export function publishEvent(bus: EventBus, name: string, row: EventRow): void {
  bus.publish({
    accountId: row.account_id,
    name,
    data: {
      id: row.id,
      title: row.title,
      starts_at: row.starts_at.toISOString(),
      ends_at: row.ends_at.toISOString(),
      status: row.status,
      client_id: row.client_id,
    },
  });
}
