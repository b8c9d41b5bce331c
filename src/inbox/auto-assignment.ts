import { sql } from 'kysely';
import type { Conversation, Inbox } from '../db/schema.js';
import type { TxContext } from '../db/transaction.js';
import type { Clock } from '../shared/clock.js';
import { messagesRepo } from './messages.repo.js';

/**
 * Whether autoAssign could find anyone in this inbox now: when nobody is available, a batch of incoming
 * messages can skip it for every unassigned conversation (it would leave them as they are).
 */
export async function hasAvailableAgent(tx: TxContext, inboxId: number): Promise<boolean> {
  const row = await tx.trx
    .selectFrom('inbox_members')
    .innerJoin('account_users', (join) =>
      join
        .onRef('account_users.user_id', '=', 'inbox_members.user_id')
        .onRef('account_users.account_id', '=', 'inbox_members.account_id'),
    )
    .select('inbox_members.user_id')
    .where('inbox_members.inbox_id', '=', inboxId)
    .where('account_users.availability', '=', 'available')
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Round-robin: an open, unassigned conversation in an inbox with auto-assignment on goes to the
 * inbox member who is available and was assigned longest ago (or never). Nobody available → it
 * stays unassigned, as in Chatwoot. The chosen member's row is locked, so two conversations opening
 * together go to two different people.
 */
export async function autoAssign(
  tx: TxContext,
  inbox: Pick<Inbox, 'enable_auto_assignment'>,
  conversation: Conversation,
  clock: Clock,
): Promise<Conversation> {
  if (!inbox.enable_auto_assignment || conversation.status !== 'open' || conversation.assignee_id !== null) {
    return conversation;
  }
  const next = await tx.trx
    .selectFrom('inbox_members')
    .innerJoin('account_users', (join) =>
      join
        .onRef('account_users.user_id', '=', 'inbox_members.user_id')
        .onRef('account_users.account_id', '=', 'inbox_members.account_id'),
    )
    .innerJoin('users', 'users.id', 'inbox_members.user_id')
    .select(['inbox_members.user_id', 'users.name', 'users.display_name'])
    .where('inbox_members.inbox_id', '=', conversation.inbox_id)
    .where('account_users.availability', '=', 'available')
    .orderBy(sql`inbox_members.last_assigned_at ASC NULLS FIRST`)
    .orderBy('inbox_members.user_id')
    .limit(1)
    .forUpdate('inbox_members')
    .skipLocked()
    .executeTakeFirst();
  if (!next) return conversation;
  const now = clock.now();
  await tx.trx
    .updateTable('inbox_members')
    .set({ last_assigned_at: now })
    .where('inbox_id', '=', conversation.inbox_id)
    .where('user_id', '=', next.user_id)
    .execute();
  const updated = await tx.trx
    .updateTable('conversations')
    .set({ assignee_id: next.user_id, updated_at: sql`now()` })
    .where('id', '=', conversation.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await messagesRepo.insertActivity(
    tx.trx,
    conversation,
    `Conversa atribuída automaticamente a ${next.display_name ?? next.name}`,
    now,
  );
  return updated;
}
