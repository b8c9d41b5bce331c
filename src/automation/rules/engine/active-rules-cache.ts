/**
 * Which automation events each account has an active rule for, remembered for a few seconds. A
 * business event listener's `wants` is synchronous and runs inside the change's transaction, so it can
 * only read memory: an account not loaded yet (or whose entry expired) answers from what is known —
 * "maybe" when nothing is — and loads in the background. The job then checks the database, so a
 * "maybe" costs a no-op job, never a missed rule. Rule changes in this process refresh at once; other
 * processes see them within `ttlMs`.
 */
export function createActiveRulesCache(options: {
  load: (accountId: number) => Promise<string[]>;
  ttlMs?: number;
  now?: () => number;
  onError?: (error: unknown) => void;
}) {
  const ttlMs = options.ttlMs ?? 5_000;
  const now = options.now ?? Date.now;
  const entries = new Map<number, { names: Set<string>; until: number }>();
  const loading = new Map<number, Promise<void>>();

  function refresh(accountId: number): Promise<void> {
    const pending = loading.get(accountId);
    if (pending) return pending;
    const promise = options
      .load(accountId)
      .then((names) => {
        entries.set(accountId, { names: new Set(names), until: now() + ttlMs });
      })
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => loading.delete(accountId));
    loading.set(accountId, promise);
    return promise;
  }

  return {
    /** Whether the account may have an active rule for any of these events. */
    mayHave(accountId: number, eventNames: readonly string[]): boolean {
      if (eventNames.length === 0) return false;
      const entry = entries.get(accountId);
      if (!entry || entry.until <= now()) void refresh(accountId);
      if (!entry) return true;
      return eventNames.some((name) => entry.names.has(name));
    },

    /** After a rule of the account changed: reload now (a load already running may be stale). */
    async changed(accountId: number): Promise<void> {
      await loading.get(accountId);
      await refresh(accountId);
    },
  };
}

export type ActiveRulesCache = ReturnType<typeof createActiveRulesCache>;
