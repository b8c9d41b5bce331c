import type { Transaction } from 'kysely';
import type { Db } from './client.js';
import type { Database } from './schema.js';

/** A transaction plus a place to put work that must only happen once it has committed. */
export interface TxContext {
  trx: Transaction<Database>;
  afterCommit(fn: () => void | Promise<void>): void;
}

export async function inTransaction<T>(db: Db, fn: (tx: TxContext) => Promise<T>): Promise<T> {
  const callbacks: Array<() => void | Promise<void>> = [];
  const result = await db.transaction().execute((trx) => fn({ trx, afterCommit: (cb) => callbacks.push(cb) }));
  for (const callback of callbacks) await callback();
  return result;
}
