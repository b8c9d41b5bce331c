import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from './logger.js';
import { withTimeout } from './timeout.js';

export interface RedisConnections {
  /** Commands fail at once while Redis is away (callers fall back or retry later) instead of queueing forever. */
  client: Redis;
  /** A new blocking connection for a BullMQ worker (BullMQ requires maxRetriesPerRequest: null). */
  workerConnection(): Redis;
  close(): Promise<void>;
}

export function createRedisConnections(url: string, logger: Logger): RedisConnections {
  const opened: Redis[] = [];
  let lastWarning = 0;
  const open = (options: RedisOptions) => {
    const connection = new Redis(url, {
      lazyConnect: false,
      connectTimeout: 3000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 3000),
      ...options,
    });
    // ioredis reconnects by itself; log the outage now and then instead of once per retry.
    connection.on('error', (error) => {
      if (Date.now() - lastWarning > 30_000) {
        lastWarning = Date.now();
        logger.warn({ err: error }, 'Redis connection error; reconnecting');
      }
    });
    opened.push(connection);
    return connection;
  };
  const client = open({ enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  return {
    client,
    workerConnection: () => open({ maxRetriesPerRequest: null }),
    async close() {
      // QUIT waits for a reconnecting connection forever: give it a moment, then just disconnect.
      await Promise.all(
        opened.map(async (connection) => {
          await withTimeout(connection.quit(), 2000, 'Redis QUIT timed out').catch(() => undefined);
          connection.disconnect();
        }),
      );
    },
  };
}
