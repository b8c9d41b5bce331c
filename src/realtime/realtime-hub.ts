import type { AccountEvent, EventBus } from './event-bus.js';

const BUFFER_SIZE = 1000;
const BUFFER_AGE_MS = 10 * 60 * 1000;

export interface StreamClient {
  accountId: number;
  userId: number;
  /** Whether this client may see the event (agents: only their inboxes'). */
  visible?: (event: AccountEvent) => boolean;
  send(event: AccountEvent): void;
  close(): void;
}

/**
 * Fans account events out to connected streams, and keeps the recent ones per account so a client that
 * reconnects with Last-Event-ID gets what it missed (or is told to resync when that is too old).
 */
export function createRealtimeHub(bus: EventBus) {
  const clients = new Set<StreamClient>();
  const recent = new Map<number, Array<AccountEvent & { receivedAt: number }>>();

  const unsubscribe = bus.subscribe((event) => {
    const buffer = recent.get(event.accountId) ?? [];
    buffer.push({ ...event, receivedAt: Date.now() });
    const cutoff = Date.now() - BUFFER_AGE_MS;
    while (buffer.length > BUFFER_SIZE || (buffer[0] && buffer[0].receivedAt < cutoff)) buffer.shift();
    recent.set(event.accountId, buffer);
    for (const client of clients) {
      if (client.accountId === event.accountId && (client.visible?.(event) ?? true)) client.send(event);
    }
  });

  return {
    add(client: StreamClient) {
      clients.add(client);
      return () => clients.delete(client);
    },
    /** Events after `lastEventId`, or null when it is no longer known (the client must resync). */
    missedSince(accountId: number, lastEventId: string): AccountEvent[] | null {
      const buffer = recent.get(accountId) ?? [];
      const index = buffer.findIndex((event) => event.id === lastEventId);
      if (index === -1) return null;
      return buffer.slice(index + 1).map(({ receivedAt: _receivedAt, ...event }) => event);
    },
    connectedCount: () => clients.size,
    /** Ends every stream (shutdown), so the HTTP server can close. */
    closeAll() {
      for (const client of clients) client.close();
      clients.clear();
    },
    stop() {
      unsubscribe();
    },
  };
}

export type RealtimeHub = ReturnType<typeof createRealtimeHub>;
