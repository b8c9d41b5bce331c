/**
 * Which inboxes use business hours or a greeting, remembered for a few seconds: a listener's `wants`
 * is synchronous and runs for every incoming message, so it may only look here. An inbox not known
 * yet (or whose entry expired) counts as using them, and is looked up in the background; the job
 * then decides from the row itself. Changes made in this process drop the entry at once (`forget`);
 * other processes see them when the entry expires.
 */
export function createInboxSettingsCache(options: {
  load: (inboxId: number) => Promise<boolean>;
  ttlMs?: number;
  now?: () => number;
}) {
  const ttlMs = options.ttlMs ?? 5_000;
  const now = options.now ?? Date.now;
  const entries = new Map<number, { active: boolean; until: number }>();
  // One lookup per inbox at a time; `forget` drops it, so an answer read before a change is not kept.
  const loading = new Map<number, symbol>();

  function refresh(inboxId: number) {
    if (loading.has(inboxId)) return;
    const token = Symbol(String(inboxId));
    loading.set(inboxId, token);
    options.load(inboxId).then(
      (active) => {
        if (loading.get(inboxId) !== token) return;
        loading.delete(inboxId);
        entries.set(inboxId, { active, until: now() + ttlMs });
      },
      () => {
        // Unknown stays unknown: the next message looks again.
        if (loading.get(inboxId) === token) loading.delete(inboxId);
      },
    );
  }

  return {
    /** False only when the inbox is known, recently, to use neither business hours nor a greeting. */
    mayAutomate(inboxId: number): boolean {
      const entry = entries.get(inboxId);
      if (entry && entry.until > now()) return entry.active;
      refresh(inboxId);
      return true;
    },
    remember(inboxId: number, active: boolean) {
      entries.set(inboxId, { active, until: now() + ttlMs });
    },
    forget(inboxId: number) {
      entries.delete(inboxId);
      loading.delete(inboxId);
    },
  };
}
