import { sql } from 'kysely';
import { type MergeActor, moveCrmRecords } from '../crm/merge-profiles.js';
import type { Db } from '../db/client.js';
import type { Contact, Conversation } from '../db/schema.js';
import { inTransaction, type TxContext } from '../db/transaction.js';
import type { EventBus } from '../realtime/event-bus.js';
import type { Clock } from '../shared/clock.js';
import { AppError, notFound } from '../shared/errors.js';
import { type ContactChanges, contactsRepo } from './contacts.repo.js';
import { messagesRepo } from './messages.repo.js';

interface MergeDeps {
  db: Db;
  events: EventBus;
  clock: Clock;
}

/** What the base contact takes from the mergee: whatever it lacks; where both have a value, the base wins. */
function mergedFields(base: Contact, mergee: Contact): ContactChanges {
  const changes: ContactChanges = {
    labels: [...new Set([...base.labels, ...mergee.labels])],
    custom_attributes: { ...mergee.custom_attributes, ...base.custom_attributes },
    additional_attributes: { ...mergee.additional_attributes, ...base.additional_attributes },
  };
  if (!base.email && mergee.email) changes.email = mergee.email;
  if (!base.identifier && mergee.identifier) changes.identifier = mergee.identifier;
  if (!base.phone_key && mergee.phone_key) {
    Object.assign(changes, { phone_number: mergee.phone_number, phone_key: mergee.phone_key });
  }
  if (!base.bsuid && mergee.bsuid) Object.assign(changes, { bsuid: mergee.bsuid, parent_bsuid: mergee.parent_bsuid });
  // A name an agent typed beats one that came from a WhatsApp profile.
  if (!base.name || (base.name_source === 'profile' && mergee.name_source === 'agent' && mergee.name)) {
    Object.assign(changes, { name: mergee.name, name_source: mergee.name_source });
  }
  if (mergee.last_activity_at && (!base.last_activity_at || mergee.last_activity_at > base.last_activity_at)) {
    changes.last_activity_at = mergee.last_activity_at;
  }
  return changes;
}

/**
 * Only one unresolved conversation per contact and inbox may exist. When both contacts have one in the
 * same inbox, the base's stays open and the mergee's is resolved with an activity line pointing to it
 * (its messages stay where they were written, so nothing is rewritten or lost).
 */
async function resolveClashingConversations(deps: MergeDeps, tx: TxContext, base: Contact, mergee: Contact) {
  const active = await tx.trx
    .selectFrom('conversations')
    .selectAll()
    .where('account_id', '=', base.account_id)
    .where('contact_id', 'in', [base.id, mergee.id])
    .where('status', '<>', 'resolved')
    .orderBy('id')
    .forUpdate()
    .execute();
  const keptByInbox = new Map(active.filter((c) => c.contact_id === base.id).map((c) => [c.inbox_id, c]));
  const resolved: Conversation[] = [];
  for (const conversation of active.filter((c) => c.contact_id === mergee.id)) {
    const kept = keptByInbox.get(conversation.inbox_id);
    if (!kept) continue;
    const updated = await tx.trx
      .updateTable('conversations')
      .set({ status: 'resolved', snoozed_until: null, waiting_since: null, updated_at: sql`now()` })
      .where('id', '=', conversation.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await messagesRepo.insertActivity(
      tx.trx,
      updated,
      `Conversa resolvida ao mesclar contatos: o atendimento continua na conversa #${kept.display_id}.`,
      deps.clock.now(),
    );
    resolved.push(updated);
  }
  return resolved;
}

/** Moves everything that points at the mergee (conversations, contact inboxes, message senders, reactions, notifications, consents) to the base. */
async function moveReferences(tx: TxContext, accountId: number, base: Contact, mergee: Contact) {
  await tx.trx
    .updateTable('conversations')
    .set({ contact_id: base.id, updated_at: sql`now()` })
    .where('account_id', '=', accountId)
    .where('contact_id', '=', mergee.id)
    .execute();
  // contact_inboxes are unique on (inbox_id, source_id), which does not change: moving never collides.
  await tx.trx
    .updateTable('contact_inboxes')
    .set({ contact_id: base.id })
    .where('account_id', '=', accountId)
    .where('contact_id', '=', mergee.id)
    .execute();
  await tx.trx
    .updateTable('messages')
    .set({ sender_id: base.id })
    .where('account_id', '=', accountId)
    .where('sender_type', '=', 'contact')
    .where('sender_id', '=', mergee.id)
    .execute();
  await tx.trx
    .updateTable('message_reactions')
    .set({ reactor_id: base.id })
    .where('account_id', '=', accountId)
    .where('reactor_type', '=', 'contact')
    .where('reactor_id', '=', mergee.id)
    .execute();
  // Automated messages keep their history (keys name the notification's reason, not the person).
  await tx.trx
    .updateTable('notifications')
    .set({ contact_id: base.id, updated_at: sql`now()` })
    .where('account_id', '=', accountId)
    .where('contact_id', '=', mergee.id)
    .execute();
  // Consents: the most recent decision per purpose wins, so a SAIR sent from either number still holds.
  await tx.trx
    .insertInto('contact_consents')
    .columns(['account_id', 'contact_id', 'purpose', 'status', 'source', 'details', 'at'])
    .expression((eb) =>
      eb
        .selectFrom('contact_consents')
        .select(['account_id', sql.lit(base.id).as('contact_id'), 'purpose', 'status', 'source', 'details', 'at'])
        .where('account_id', '=', accountId)
        .where('contact_id', '=', mergee.id),
    )
    .onConflict((conflict) =>
      conflict
        .columns(['contact_id', 'purpose'])
        .doUpdateSet((eb) => ({
          status: eb.ref('excluded.status'),
          source: eb.ref('excluded.source'),
          details: eb.ref('excluded.details'),
          at: eb.ref('excluded.at'),
        }))
        .whereRef('excluded.at', '>', 'contact_consents.at'),
    )
    .execute();
}

/** Chatwoot's contact merge, in one transaction: the base contact remains, the mergee is deleted. */
export async function mergeContacts(
  deps: MergeDeps,
  accountId: number,
  baseId: number,
  mergeeId: number,
  actor: MergeActor,
) {
  if (baseId === mergeeId) {
    throw new AppError('unprocessable', 'Escolha dois contatos diferentes para mesclar.', [
      { field: 'mergee_contact_id', message: 'igual ao contato base' },
    ]);
  }
  return inTransaction(deps.db, async (tx) => {
    // Same lock as WhatsApp's contact resolution, so a message from either number waits for the merge.
    const identities = await tx.trx
      .selectFrom('contacts')
      .select(['phone_key', 'bsuid'])
      .where('account_id', '=', accountId)
      .where('id', 'in', [baseId, mergeeId])
      .execute();
    const lockKeys = identities
      .map((row) => row.phone_key ?? row.bsuid)
      .filter((key): key is string => key !== null)
      .map((key) => `contact:${accountId}:${key}`)
      .sort();
    for (const key of lockKeys) await sql`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(tx.trx);

    const rows = await contactsRepo.lockMany(tx.trx, accountId, [baseId, mergeeId]);
    const base = rows.find((row) => row.id === baseId);
    const mergee = rows.find((row) => row.id === mergeeId);
    if (!base || !mergee) throw notFound('Contato');

    const resolved = await resolveClashingConversations(deps, tx, base, mergee);
    await moveReferences(tx, accountId, base, mergee);
    await moveCrmRecords(tx.trx, accountId, base.id, mergee.id, actor);
    // Delete first: the base may take the mergee's phone or BSUID, which are unique per account.
    await contactsRepo.delete(tx.trx, accountId, mergee.id);
    const merged = (await contactsRepo.update(tx.trx, accountId, base.id, mergedFields(base, mergee))) ?? base;

    tx.afterCommit(() => {
      for (const conversation of resolved) {
        deps.events.publish({
          accountId,
          inboxId: conversation.inbox_id,
          name: 'conversation.status_changed',
          data: { id: conversation.id, display_id: conversation.display_id, status: conversation.status },
        });
      }
      deps.events.publish({ accountId, name: 'contact.deleted', data: { id: mergee.id } });
      deps.events.publish({
        accountId,
        name: 'contact.updated',
        data: { id: merged.id, name: merged.name, email: merged.email, phone_number: merged.phone_number },
      });
    });
    return merged;
  });
}
