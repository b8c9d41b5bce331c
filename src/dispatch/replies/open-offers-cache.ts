import type { Db } from '../../db/client.js';

const TTL_MS = 2_000;

/**
 * Which contacts of an account have an offer waiting for their answer, refreshed in the background.
 * The reply listener's `wants` is synchronous and runs for every incoming message: without this, every
 * short text from anyone would cost a job. Unknown or stale → yes (the handler checks the database);
 * only a fresh "no open offer for this contact" says no. Offers made here are added at once; a typed
 * answer within two seconds of an offer made in another process may be left to an attendant (the
 * buttons always work).
 */
export function createOpenOffersCache(db: Db, now: () => number = Date.now) {
  const entries = new Map<number, { until: number; contacts: Set<number> | null }>();
  // Offers made here, kept past the next refresh (a refresh already running may not see them).
  const recent = new Map<string, number>();

  const refresh = (accountId: number) => {
    for (const [key, until] of recent) if (until < now()) recent.delete(key);
    const entry = { until: now() + TTL_MS, contacts: entries.get(accountId)?.contacts ?? null };
    entries.set(accountId, entry);
    db.selectFrom('assignments')
      .innerJoin('providers', 'providers.id', 'assignments.provider_id')
      .select('providers.contact_id')
      .distinct()
      .where('assignments.account_id', '=', accountId)
      .where('assignments.status', '=', 'offered')
      .execute()
      .then(
        (rows) => {
          entry.contacts = new Set(rows.map((row) => row.contact_id));
        },
        () => entries.delete(accountId),
      );
  };

  return {
    /** An offer this process just made: its provider's answer must not wait for the next refresh. */
    offered(accountId: number, contactId: number) {
      recent.set(`${accountId}:${contactId}`, now() + 2 * TTL_MS);
    },

    mayHaveOffer(accountId: number, contactId: number): boolean {
      const key = `${accountId}:${contactId}`;
      const recentUntil = recent.get(key);
      if (recentUntil !== undefined) {
        if (recentUntil >= now()) return true;
        recent.delete(key);
      }
      const entry = entries.get(accountId);
      const fresh = entry !== undefined && entry.until >= now();
      if (!fresh) refresh(accountId);
      return !fresh || entry.contacts === null || entry.contacts.has(contactId);
    },
  };
}

export type OpenOffersCache = ReturnType<typeof createOpenOffersCache>;
