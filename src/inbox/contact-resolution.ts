import { type Kysely, sql } from 'kysely';
import type { Contact, Database, Inbox } from '../db/schema.js';
import { normalizePhone } from '../shared/phone.js';
import { type ContactChanges, contactsRepo } from './contacts.repo.js';

export interface WhatsAppIdentity {
  waId: string | null;
  userId: string | null;
  parentUserId: string | null;
  profileName: string | null;
}

/** One key per person in an account: Brazil's two forms of a mobile number share it. Null when unidentifiable. */
export function senderLockKey(accountId: number, identity: Pick<WhatsAppIdentity, 'waId' | 'userId'>): string | null {
  const phone = identity.waId ? normalizePhone(identity.waId) : null;
  const key = phone?.key ?? identity.userId ?? identity.waId;
  return key ? `contact:${accountId}:${key}` : null;
}

/**
 * Takes the senders' advisory locks (held until commit) in one statement, in hash order: transactions that
 * lock several senders this way never wait on each other in a cycle.
 */
export async function lockSenders(db: Kysely<Database>, keys: string[]): Promise<void> {
  const distinct = [...new Set(keys)];
  if (distinct.length === 0) return;
  await sql`SELECT pg_advisory_xact_lock(h) FROM (
    SELECT DISTINCT hashtextextended(k, 0) AS h FROM unnest(ARRAY[${sql.join(distinct)}]::text[]) AS k ORDER BY 1
  ) AS ordered`.execute(db);
}

/** What WhatsApp tells us about a known contact that the contact does not have yet. */
export function changesFrom(contact: Contact, identity: WhatsAppIdentity): ContactChanges {
  const phone = identity.waId ? normalizePhone(identity.waId) : null;
  const changes: ContactChanges = {};
  // WhatsApp's profile name fills in a name it gave before; a name an agent typed is never overwritten.
  if (identity.profileName && contact.name_source === 'profile' && contact.name !== identity.profileName) {
    changes.name = identity.profileName;
  }
  if (identity.userId && !contact.bsuid) changes.bsuid = identity.userId;
  if (identity.parentUserId && !contact.parent_bsuid) changes.parent_bsuid = identity.parentUserId;
  if (phone && !contact.phone_key) Object.assign(changes, { phone_number: phone.e164, phone_key: phone.key });
  return changes;
}

async function withChanges(db: Kysely<Database>, contact: Contact, identity: WhatsAppIdentity): Promise<Contact> {
  const changes = changesFrom(contact, identity);
  if (Object.keys(changes).length === 0) return contact;
  return (await contactsRepo.update(db, contact.account_id, contact.id, changes)) ?? contact;
}

/**
 * The senders who wrote to this inbox before, by the wa_id (or user id) they write from, in one query: the
 * usual case of resolveWhatsAppContact for a whole batch. Senders new to the inbox are absent.
 */
export async function knownWhatsAppSenders(
  db: Kysely<Database>,
  inbox: Pick<Inbox, 'id' | 'account_id'>,
  sourceIds: string[],
): Promise<Map<string, { contact: Contact; contactInboxId: number }>> {
  if (sourceIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('contact_inboxes')
    .innerJoin('contacts', 'contacts.id', 'contact_inboxes.contact_id')
    .selectAll('contacts')
    .select(['contact_inboxes.id as contact_inbox_id', 'contact_inboxes.source_id as contact_inbox_source_id'])
    .where('contact_inboxes.inbox_id', '=', inbox.id)
    .where('contact_inboxes.source_id', 'in', [...new Set(sourceIds)])
    .where('contacts.account_id', '=', inbox.account_id)
    .execute();
  return new Map(
    rows.map(({ contact_inbox_id, contact_inbox_source_id, ...contact }) => [
      contact_inbox_source_id,
      { contact, contactInboxId: contact_inbox_id },
    ]),
  );
}

/**
 * Finds (or creates) the one contact a WhatsApp sender is, in this inbox's account:
 * by the exact wa_id already seen in this inbox, by BSUID, then by phone — where Brazil's two forms of
 * a mobile number share one key — and makes sure a contact inbox with the wa_id as sent exists.
 */
export async function resolveWhatsAppContact(
  db: Kysely<Database>,
  inbox: Pick<Inbox, 'id' | 'account_id'>,
  identity: WhatsAppIdentity,
  /** locked: the caller already holds this sender's lock (a batch takes all of its senders' up front). */
  options: { locked?: boolean } = {},
): Promise<{ contact: Contact; contactInboxId: number; sourceId: string; created: boolean }> {
  const accountId = inbox.account_id;
  const sourceId = identity.waId ?? identity.userId;
  if (!sourceId) throw new Error('A WhatsApp sender without wa_id or user_id cannot be identified');

  // The usual case, someone who wrote to this inbox before: one query, nothing to create, no lock.
  const known = await contactsRepo.findByContactInbox(db, accountId, inbox.id, sourceId);
  if (known) {
    return {
      contact: await withChanges(db, known.contact, identity),
      contactInboxId: known.contactInboxId,
      sourceId,
      created: false,
    };
  }

  // New to this inbox. One sender at a time per account from here: concurrent webhooks for the same person
  // would otherwise both create the contact, or take contact, conversation and account locks in different orders.
  const phone = identity.waId ? normalizePhone(identity.waId) : null;
  if (!options.locked)
    await lockSenders(db, [senderLockKey(accountId, identity) ?? `contact:${accountId}:${sourceId}`]);
  let contact: Contact | undefined;
  if (identity.userId) contact = await contactsRepo.findByBsuid(db, accountId, identity.userId);
  if (!contact && phone) contact = await contactsRepo.findByPhoneKey(db, accountId, phone.key);

  let created = false;
  if (!contact) {
    contact = await contactsRepo.insert(db, {
      accountId,
      name: identity.profileName ?? phone?.e164 ?? sourceId,
      nameSource: 'profile',
      phoneNumber: phone?.e164 ?? null,
      phoneKey: phone?.key ?? null,
      bsuid: identity.userId,
      parentBsuid: identity.parentUserId,
    });
    created = contact !== undefined;
    // Lost a race with a concurrent message from the same person: use the contact that won.
    contact ??=
      (identity.userId ? await contactsRepo.findByBsuid(db, accountId, identity.userId) : undefined) ??
      (phone ? await contactsRepo.findByPhoneKey(db, accountId, phone.key) : undefined);
    if (!contact) throw new Error(`Could not create or find the contact for ${sourceId}`);
  } else {
    contact = await withChanges(db, contact, identity);
  }

  const contactInbox = await contactsRepo.upsertContactInbox(db, {
    accountId,
    contactId: contact.id,
    inboxId: inbox.id,
    sourceId,
  });
  return { contact, contactInboxId: contactInbox.id, sourceId, created };
}
