import { randomBytes } from 'node:crypto';
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

const MAX_EVENTS_PER_MESSAGE = 250;

/** In-process fan-out, or Redis pub/sub across processes when REDIS_URL is set. */
export function createEventBus(deps: {
  logger: Logger;
  redis: { publisher: Redis; subscriber: Redis; prefix: string } | null;
}): EventBus {
  const local = new EventEmitter();
  const published = new EventEmitter();
  // Tells this process's messages on Redis from the others' (so random enough never to be shared).
  const processTag = randomBytes(6).toString('hex');
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
      // "<process tag>|<JSON>": this process's own events were delivered when published. (A bare JSON
      // message comes from a process of an earlier version, during an upgrade.)
      const bare = message.startsWith('{') || message.startsWith('[');
      const separator = bare ? -1 : message.indexOf('|');
      if (!bare && message.slice(0, separator) === processTag) return;
      let parsed: AccountEvent | AccountEvent[];
      try {
        parsed = JSON.parse(bare ? message : message.slice(separator + 1)) as AccountEvent | AccountEvent[];
      } catch (error) {
        deps.logger.warn({ err: error }, 'Ignoring a malformed event from Redis');
        return;
      }
      for (const event of Array.isArray(parsed) ? parsed : [parsed]) local.emit('event', event);
    });
  }

  // Events published in one turn of the event loop (a batch of webhooks announces hundreds) go to Redis
  // as one message, a JSON array in publishing order: one command and one delivery to each other process.
  let outbox: Array<{ name: string; json: string }> = [];
  const flush = () => {
    const sending = outbox;
    outbox = [];
    for (let start = 0; start < sending.length; start += MAX_EVENTS_PER_MESSAGE) {
      const chunk = sending.slice(start, start + MAX_EVENTS_PER_MESSAGE);
      const json = chunk.length === 1 ? (chunk[0]?.json ?? '') : `[${chunk.map((item) => item.json).join(',')}]`;
      const message = `${processTag}|${json}`;
      deps.redis?.publisher.publish(channel, message).catch((error) => {
        // Realtime is best effort: clients resync from the API when they reconnect.
        deps.logger.warn({ err: error, events: chunk.map((item) => item.name) }, 'Could not publish events');
      });
    }
  };

  return {
    publish(unstamped) {
      const event = { ...unstamped, id: `${Date.now().toString(36)}-${(sequence++).toString(36)}-${processTag}` };
      published.emit('event', event);
      // This process's listeners hear it at once; other processes through Redis.
      local.emit('event', event);
      if (!deps.redis) return;
      outbox.push({ name: event.name, json: JSON.stringify(event) });
      if (outbox.length === 1) setImmediate(flush);
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
      if (outbox.length > 0) flush();
      local.removeAllListeners();
      published.removeAllListeners();
    },
  };
}
