import type { Redis } from 'ioredis';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';

const MAX_FAILURES = 10;
const WINDOW_SECONDS = 60;

/**
 * Counts failed sign-ins per IP and per e-mail (shared through Redis when there is one): after
 * 10 failures in a minute, either key is refused until the minute is over.
 */
export function createSignInThrottle(redis: { client: Redis; prefix: string } | null) {
  const make = (prefix: string): RateLimiterAbstract => {
    const options = {
      points: MAX_FAILURES,
      duration: WINDOW_SECONDS,
      keyPrefix: `${redis?.prefix ?? 'santana'}:signin:${prefix}`,
    };
    // While Redis is away, counting continues in memory instead of failing every sign-in.
    return redis
      ? new RateLimiterRedis({
          ...options,
          storeClient: redis.client,
          insuranceLimiter: new RateLimiterMemory(options),
        })
      : new RateLimiterMemory(options);
  };
  const byIp = make('ip');
  const byEmail = make('email');
  const emailKey = (email: string) => email.trim().toLowerCase();

  return {
    /** Seconds to wait when this IP or e-mail is locked out, otherwise 0. */
    async blockedFor(ip: string, email: string): Promise<number> {
      const [ipState, emailState] = await Promise.all([byIp.get(ip), byEmail.get(emailKey(email))]);
      const blocked = [ipState, emailState].filter((state) => state && state.consumedPoints >= MAX_FAILURES);
      if (blocked.length === 0) return 0;
      return Math.max(1, ...blocked.map((state) => Math.ceil((state?.msBeforeNext ?? 1000) / 1000)));
    },
    async recordFailure(ip: string, email: string): Promise<void> {
      // penalty() counts without throwing when the budget is already spent.
      await Promise.all([byIp.penalty(ip, 1), byEmail.penalty(emailKey(email), 1)]);
    },
    async recordSuccess(email: string): Promise<void> {
      await byEmail.delete(emailKey(email));
    },
  };
}

export type SignInThrottle = ReturnType<typeof createSignInThrottle>;
