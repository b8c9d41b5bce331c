import type { Inbox } from '../db/schema.js';
import type { TxContext } from '../db/transaction.js';
import { conversationsRepo } from './conversations.repo.js';

/** Opens (or reopens) the conversation of a contact inbox for a message at `at`. */
export async function conversationFor(
  tx: TxContext,
  inbox: Inbox,
  contact: { id: number; created: boolean },
  contactInboxId: number,
  at: Date,
  /** The contact's own message opens it: recorded as incoming in the same statement (recordIncoming). */
  incoming = false,
) {
  const contactId = contact.id;
  // A contact created in this transaction has no conversation yet: no need to look.
  const latest = contact.created ? undefined : await conversationsRepo.latestFor(tx.trx, inbox.id, contactId);
  if (latest) return { conversation: latest, created: false };
  const values = { accountId: inbox.account_id, inboxId: inbox.id, contactId, contactInboxId, at };
  const inserted = incoming
    ? await conversationsRepo.openForIncoming(tx.trx, values)
    : await conversationsRepo.insert(tx.trx, {
        ...values,
        displayId: await conversationsRepo.nextDisplayId(tx.trx, inbox.account_id),
      });
  if (inserted) return { conversation: inserted, created: true };
  const raced = await conversationsRepo.latestFor(tx.trx, inbox.id, contactId);
  if (!raced) throw new Error('Conversation vanished while opening it');
  return { conversation: raced, created: false };
}
