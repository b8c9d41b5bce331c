import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import type { Database } from '../db/schema.js';
import { anyOf } from '../db/sql-arrays.js';
import type { TxContext } from '../db/transaction.js';
import { defineJob } from '../jobs/job-definition.js';
import type { JobSystem } from '../jobs/job-system.js';
import type { MediaStorage } from '../shared/media-storage.js';

/** Keys per removal job: an inbox's deletion can leave thousands of files. */
const KEYS_PER_JOB = 500;

export const RemoveFilesSchema = z.object({ keys: z.array(z.string().min(1)).min(1).max(KEYS_PER_JOB) });

/**
 * Storage keys of the attachments that deleting these rows would take away. Read before the delete (the
 * rows go with it, by cascade); the files themselves are removed after the commit, by `removeFilesLater`.
 */
export async function storageKeysOf(
  executor: Kysely<Database>,
  accountId: number,
  of: { messageId: number } | { contactId: number } | { inboxId: number },
): Promise<string[]> {
  let query = executor
    .selectFrom('attachments')
    .select('attachments.storage_key')
    .where('attachments.account_id', '=', accountId)
    .where('attachments.storage_key', 'is not', null);
  if ('messageId' in of) {
    query = query.where('attachments.message_id', '=', of.messageId);
  } else {
    query = query
      .innerJoin('messages', 'messages.id', 'attachments.message_id')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .where(
        'contactId' in of ? 'conversations.contact_id' : 'conversations.inbox_id',
        '=',
        'contactId' in of ? of.contactId : of.inboxId,
      );
  }
  const rows = await query.execute();
  return [...new Set(rows.map((row) => row.storage_key as string))];
}

/**
 * Queues the removal of these files in the transaction that deletes their attachments: durable, so a crash
 * right after the commit does not leave a deleted person's photos on disk for ever.
 */
export async function removeFilesLater(jobs: JobSystem, tx: TxContext, accountId: number, keys: string[]) {
  for (let start = 0; start < keys.length; start += KEYS_PER_JOB) {
    await jobs.enqueue(
      'attachments.remove_files',
      { keys: keys.slice(start, start + KEYS_PER_JOB) },
      { tx, accountId },
    );
  }
}

/**
 * Removes stored files no attachment names any more. A file can back several attachments (an automation
 * rule sends one stored file to many conversations), so one message's or person's deletion leaves the
 * files others still show.
 */
export function createRemoveFilesJob(deps: { db: Db; storage: MediaStorage }) {
  return defineJob({
    name: 'attachments.remove_files',
    schema: RemoveFilesSchema,
    async handler({ keys }) {
      const stillUsed = await deps.db
        .selectFrom('attachments')
        .select('storage_key')
        .distinct()
        .where('storage_key', '=', anyOf(keys, 'text'))
        .execute();
      const kept = new Set(stillUsed.map((row) => row.storage_key));
      const orphans = keys.filter((key) => !kept.has(key));
      // A missing file is fine (removed by an earlier attempt); any other failure retries the job.
      for (const key of orphans) await deps.storage.remove(key);
      return orphans.length > 0 ? 'done' : 'skipped';
    },
  });
}
