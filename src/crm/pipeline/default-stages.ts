import type { Kysely } from 'kysely';
import type { Db } from '../../db/client.js';
import type { Database } from '../../db/schema.js';
import { inTransaction } from '../../db/transaction.js';
import { DEFAULT_STAGES, stagesRepo } from './stages.repo.js';

/** Inserts the default pipeline into a new account (bootstrap calls it in the account's transaction). */
export async function seedDefaultStages(executor: Kysely<Database>, accountId: number): Promise<void> {
  await executor
    .insertInto('pipeline_stages')
    .values(DEFAULT_STAGES.map((stage) => ({ account_id: accountId, ...stage })))
    .execute();
}

/**
 * Accounts created before the CRM existed get the default pipeline the first time it is needed (lazily,
 * under a per-account lock so concurrent first requests seed once). Deleting the last stage is refused,
 * so an account without stages is always one that was never seeded.
 */
export async function ensureDefaultStages(db: Db, accountId: number): Promise<void> {
  if (await stagesRepo.hasAny(db, accountId)) return;
  await inTransaction(db, async ({ trx }) => {
    await stagesRepo.lockAccountPipeline(trx, accountId);
    if (!(await stagesRepo.hasAny(trx, accountId))) await seedDefaultStages(trx, accountId);
  });
}
