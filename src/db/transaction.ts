import type { Transaction } from 'kysely';
import { sleep } from '../shared/clock.js';
import type { Db } from './client.js';
import type { Database } from './schema.js';

/** A transaction plus a place to put work that must only happen once it has committed. */
export interface TxContext {
  trx: Transaction<Database>;
  afterCommit(fn: () => void | Promise<void>): void;
}

// deadlock_detected, serialization_failure: PostgreSQL rolled the whole transaction back; running it
// again is the documented remedy (concurrent webhooks for one new contact can meet this way).
const RETRYABLE = new Set(['40P01', '40001']);
const ATTEMPTS = 4;

export async function inTransaction<T>(db: Db, fn: (tx: TxContext) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const callbacks: Array<() => void | Promise<void>> = [];
    try {
      const result = await db.transaction().execute((trx) => fn({ trx, afterCommit: (cb) => callbacks.push(cb) }));
      for (const callback of callbacks) await callback();
      return result;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (!code || !RETRYABLE.has(code) || attempt >= ATTEMPTS) throw error;
      await sleep(10 * attempt + Math.random() * 20);
    }
  }
}
