import type { Redis } from 'ioredis';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { sleep } from '../shared/clock.js';

/**
 * Per-key rate limits for outgoing work (e.g. 80 sends/s per WhatsApp number). Backed by Redis when
 * configured, so every worker process shares one budget per key; in memory otherwise.
 */
export function createRateLimiter(redis: { client: Redis; prefix: string } | null) {
  const limiters = new Map<string, RateLimiterAbstract>();

  const limiterFor = (perSecond: number) => {
    const id = `per-second:${perSecond}`;
    let limiter = limiters.get(id);
    if (!limiter) {
      const options = { points: perSecond, duration: 1, keyPrefix: `${redis?.prefix ?? 'santana'}:rl:${perSecond}` };
      limiter = redis
        ? new RateLimiterRedis({
            ...options,
            storeClient: redis.client,
            insuranceLimiter: new RateLimiterMemory(options),
          })
        : new RateLimiterMemory(options);
      limiters.set(id, limiter);
    }
    return limiter;
  };

  return {
    /** Waits until `key` may do one more thing this second (or until `signal` aborts). */
    async acquire(key: string, perSecond: number, signal?: AbortSignal): Promise<void> {
      const limiter = limiterFor(perSecond);
      while (!signal?.aborted) {
        try {
          await limiter.consume(key);
          return;
        } catch (rejection) {
          if (!(rejection instanceof RateLimiterRes)) throw rejection;
          await sleep(Math.max(1, rejection.msBeforeNext), signal);
        }
      }
      throw signal?.reason ?? new Error('Aborted');
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
