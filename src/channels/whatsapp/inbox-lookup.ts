import type { Inbox } from '../../db/schema.js';

/**
 * Inboxes by Meta's phone number id, remembered for a few seconds: every delivery needs one, and they
 * change rarely. Only found inboxes are remembered (an inbox created a moment ago routes at once);
 * concurrent lookups of one number share a query. Callers `forget` a number when the entry looks stale
 * (a signature that the remembered secret rejects).
 */
export function createInboxLookup(options: {
  load: (phoneNumberId: string) => Promise<Inbox | undefined>;
  ttlMs?: number;
  now?: () => number;
}) {
  const ttlMs = options.ttlMs ?? 5_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { inbox: Promise<Inbox | null>; until: number }>();

  return {
    get(phoneNumberId: string): Promise<Inbox | null> {
      const entry = entries.get(phoneNumberId);
      if (entry && entry.until > now()) return entry.inbox;
      const inbox = options.load(phoneNumberId).then(
        (found) => {
          if (!found) entries.delete(phoneNumberId);
          return found ?? null;
        },
        (error: unknown) => {
          entries.delete(phoneNumberId);
          throw error;
        },
      );
      entries.set(phoneNumberId, { inbox, until: now() + ttlMs });
      return inbox;
    },
    forget(phoneNumberId: string): void {
      entries.delete(phoneNumberId);
    },
  };
}
