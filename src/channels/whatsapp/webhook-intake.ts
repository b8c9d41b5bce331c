import { sql } from 'kysely';
import type { Db } from '../../db/client.js';
import { isDatabaseUnavailable } from '../../db/errors.js';
import type { JobSystem } from '../../jobs/job-system.js';
import { type NewRawWebhook, rawWebhooksRepo } from './raw-webhooks.repo.js';

interface Waiting {
  item: NewRawWebhook;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Batches committing at once; more would only queue for pool connections the workers need too. */
const MAX_IN_FLIGHT = 2;
/** Below the most webhooks one processing job may name (MAX_WEBHOOKS_PER_JOB). */
const MAX_BATCH = 200;

/**
 * Stores webhook bodies with the jobs that will process them, by group commit: deliveries that arrive
 * while earlier batches are committing wait and commit together — one statement that inserts the bodies
 * and one job per account naming them, so one round trip and one flush to disk. The flush bounds how many
 * webhooks per second can be acknowledged; each caller hears back once its own row is committed.
 */
export function createWebhookIntake(deps: { db: Db; jobs: JobSystem }) {
  let waiting: Waiting[] = [];
  let inFlight = 0;

  async function storeTogether(items: NewRawWebhook[]): Promise<void> {
    const statement = deps.db.with('stored', (db) => rawWebhooksRepo.insertNew(db, items));
    await deps.jobs.enqueueFrom(
      'whatsapp.process_webhook',
      statement,
      deps.db
        .withTables<{ stored: { id: number; account_id: number | null; unroutable: boolean } }>()
        .selectFrom('stored')
        .select([
          sql<unknown>`jsonb_build_object('rawWebhookIds', jsonb_agg(stored.id ORDER BY stored.id))`.as('payload'),
          'stored.account_id',
        ])
        .where('stored.unroutable', '=', false)
        .groupBy('stored.account_id'),
    );
  }

  async function commit(batch: Waiting[]): Promise<void> {
    try {
      await storeTogether(batch.map((entry) => entry.item));
      for (const entry of batch) entry.resolve();
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
    store(item: NewRawWebhook): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        waiting.push({ item, resolve, reject });
        // Let the deliveries read in this turn of the event loop join the batch.
        if (waiting.length === 1) setImmediate(drain);
      });
    },
  };
}
