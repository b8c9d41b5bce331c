import { LRUCache } from 'lru-cache';
import type { Membership, UsersRepo } from './users.repo.js';

/**
 * How long a process may reuse what it learned about a caller (token → user, user → accounts) without
 * asking the database again. Changes made in this process clear it at once; other processes see them
 * within this time.
 */
export const ACCESS_CACHE_MS = 5_000;

/** Memberships per user, read on every account-scoped request. */
export function createMembershipCache(users: UsersRepo) {
  const cache = new LRUCache<number, Membership[]>({ max: 20_000, ttl: ACCESS_CACHE_MS });
  return {
    async of(userId: number): Promise<Membership[]> {
      const cached = cache.get(userId);
      if (cached) return cached;
      const memberships = await users.memberships(userId);
      cache.set(userId, memberships);
      return memberships;
    },
    async in(accountId: number, userId: number): Promise<Membership | undefined> {
      return (await this.of(userId)).find((membership) => membership.account_id === accountId);
    },
    forget(userId?: number) {
      if (userId === undefined) cache.clear();
      else cache.delete(userId);
    },
  };
}

export type MembershipCache = ReturnType<typeof createMembershipCache>;
