import type { Conversation } from '../db/schema.js';
import type { TxContext } from '../db/transaction.js';
import type { JobSystem } from '../jobs/job-system.js';
import { messagesRepo } from './messages.repo.js';

/**
 * When an agent opens a conversation, WhatsApp's read receipt goes out for the newest message from the
 * client (WhatsApp marks the earlier ones read with it). Keyed per message: opening it again sends
 * nothing new, and the API never waits for Meta.
 */
export async function enqueueReadReceipt(tx: TxContext, jobs: JobSystem, conversation: Conversation) {
  const latest = await messagesRepo.latestIncoming(tx.trx, conversation.id);
  if (!latest) return;
  await jobs.enqueue(
    'whatsapp.mark_read',
    { messageId: latest.id },
    { tx, key: `read:${latest.id}`, accountId: conversation.account_id },
  );
}
