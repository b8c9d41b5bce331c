import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import type { Logger } from '../shared/logger.js';

/** Something that happened in an account, for the realtime stream and (later) outgoing webhooks. */
export interface AccountEvent {
  /** Set by publish(): time-ordered and unique across processes, so a stream can resume after it. */
  id?: string;
  accountId: number;
  /** The inbox it happened in, when there is one: agents only receive events of their inboxes. */
  inboxId?: number;
  /** Chatwoot's event names: message.created, conversation.updated, contact.updated… */
  name: string;
  data: Record<string, unknown>;
}

export interface EventBus {
  /** Published after the change committed; every process (through Redis when configured) receives it. */
  publish(event: AccountEvent): void;
  subscribe(listener: (event: AccountEvent) => void): () => void;
  /** Only the events THIS process publishes (stamped), once each: for work that must not run in every process. */
  onPublish(listener: (event: AccountEvent) => void): () => void;
  close(): Promise<void>;
}

/** In-process fan-out, or Redis pub/sub across processes when REDIS_URL is set. */
export function createEventBus(deps: {
  logger: Logger;
  redis: { publisher: Redis; subscriber: Redis; prefix: string } | null;
}): EventBus {
  const local = new EventEmitter();
  const published = new EventEmitter();
  const processTag = Math.random().toString(36).slice(2, 8);
  let sequence = 0;
  local.setMaxListeners(0);
  published.setMaxListeners(0);
  const channel = `${deps.redis?.prefix ?? 'santana'}:events`;

  if (deps.redis) {
    void deps.redis.subscriber
      .subscribe(channel)
      .catch((error) => deps.logger.warn({ err: error }, 'Could not subscribe to events'));
    deps.redis.subscriber.on('message', (received, message) => {
      if (received !== channel) return;
      try {
        local.emit('event', JSON.parse(message) as AccountEvent);
      } catch (error) {
        deps.logger.warn({ err: error }, 'Ignoring a malformed event from Redis');
      }
    });
  }

  return {
    publish(unstamped) {
      const event = { ...unstamped, id: `${Date.now().toString(36)}-${(sequence++).toString(36)}-${processTag}` };
      published.emit('event', event);
      if (!deps.redis) {
        local.emit('event', event);
        return;
      }
      deps.redis.publisher.publish(channel, JSON.stringify(event)).catch((error) => {
        // Realtime is best effort: clients resync from the API when they reconnect.
        deps.logger.warn({ err: error, event: event.name }, 'Could not publish event');
      });
    },
    subscribe(listener) {
      local.on('event', listener);
      return () => local.off('event', listener);
    },
    onPublish(listener) {
      published.on('event', listener);
      return () => published.off('event', listener);
    },
    async close() {
      local.removeAllListeners();
      published.removeAllListeners();
    },
  };
}
