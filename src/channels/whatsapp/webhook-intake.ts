import type { Db } from '../../db/client.js';
import { isDatabaseUnavailable } from '../../db/errors.js';
import { inTransaction } from '../../db/transaction.js';
import type { JobSystem } from '../../jobs/job-system.js';
import { type NewRawWebhook, rawWebhooksRepo } from './raw-webhooks.repo.js';

type Stored = { id: number; created: boolean };

interface Waiting {
  item: NewRawWebhook;
  resolve: (stored: Stored) => void;
  reject: (error: unknown) => void;
}

/** Batches committing at once; more would only queue for pool connections the workers need too. */
const MAX_IN_FLIGHT = 2;
const MAX_BATCH = 200;

/**
 * Stores webhook bodies with the jobs that will process them, by group commit: deliveries that arrive
 * while earlier batches are committing wait and commit together (one INSERT of bodies, one job per account
 * for all of them, one commit, one push to the queue). The database's flush to disk, which bounds how many webhooks per
 * second can be acknowledged, is paid once per batch; each caller hears back once its own row is committed.
 */
export function createWebhookIntake(deps: { db: Db; jobs: JobSystem }) {
  let waiting: Waiting[] = [];
  let inFlight = 0;

  async function storeTogether(items: NewRawWebhook[]): Promise<Stored[]> {
    return inTransaction(deps.db, async (tx) => {
      const stored = await rawWebhooksRepo.storeMany(tx.trx, items);
      // One job per account for what this commit stored: a job per webhook cost a queue round trip, a
      // job row and its claim and completion each, more than processing the message itself.
      const idsByAccount = new Map<number | null, number[]>();
      items.forEach((item, index) => {
        const row = stored[index];
        if (!row?.created || item.unroutable) return;
        const ids = idsByAccount.get(item.accountId);
        if (ids) ids.push(row.id);
        else idsByAccount.set(item.accountId, [row.id]);
      });
      const jobs = [...idsByAccount].map(([accountId, rawWebhookIds]) => ({
        name: 'whatsapp.process_webhook' as const,
        payload: { rawWebhookIds: rawWebhookIds.sort((a, b) => a - b) },
        options: { accountId },
      }));
      await deps.jobs.enqueueMany(jobs, tx);
      return stored;
    });
  }

  async function commit(batch: Waiting[]): Promise<void> {
    try {
      const stored = await storeTogether(batch.map((entry) => entry.item));
      batch.forEach((entry, index) => {
        const row = stored[index];
        if (row) entry.resolve(row);
        else entry.reject(new Error('Webhook not stored'));
      });
    } catch (error) {
      if (batch.length === 1 || isDatabaseUnavailable(error)) {
        for (const entry of batch) entry.reject(error);
        return;
      }
      // One body the database refuses must not fail the deliveries it happened to arrive with.
      for (const entry of batch) await commit([entry]);
    }
  }

  function drain(): void {
    while (inFlight < MAX_IN_FLIGHT && waiting.length > 0) {
      // A fixed order (by hash) keeps two batches holding the same redelivered body from deadlocking.
      const batch = waiting.slice(0, MAX_BATCH).sort((a, b) => a.item.sha256.localeCompare(b.item.sha256));
      waiting = waiting.slice(MAX_BATCH);
      inFlight++;
      void commit(batch).finally(() => {
        inFlight--;
        drain();
      });
    }
  }

  return {
    /** Resolves once the body (and its job, when it is routable and new) is committed. */
    store(item: NewRawWebhook): Promise<Stored> {
      return new Promise<Stored>((resolve, reject) => {
        waiting.push({ item, resolve, reject });
        // Let the deliveries read in this turn of the event loop join the batch.
        if (waiting.length === 1) setImmediate(drain);
      });
    },
  };
}
