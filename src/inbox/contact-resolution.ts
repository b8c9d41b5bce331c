import { type Kysely, sql } from 'kysely';
import type { Contact, Database, Inbox } from '../db/schema.js';
import { anyOf, arrayOf } from '../db/sql-arrays.js';
import { type NormalizedPhone, normalizePhone } from '../shared/phone.js';
import { type ContactChanges, contactsRepo, type NewContact } from './contacts.repo.js';

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
    SELECT DISTINCT hashtextextended(k, 0) AS h FROM unnest(${arrayOf(distinct, 'text')}) AS k ORDER BY 1
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
    .where('contact_inboxes.source_id', '=', anyOf([...new Set(sourceIds)], 'text'))
    .where('contacts.account_id', '=', inbox.account_id)
    .execute();
  return new Map(
    rows.map(({ contact_inbox_id, contact_inbox_source_id, ...contact }) => [
      contact_inbox_source_id,
      { contact, contactInboxId: contact_inbox_id },
    ]),
  );
}

/** The contact a WhatsApp sender is when the account does not know them: named after their profile. */
function newContactOf(accountId: number, identity: WhatsAppIdentity, phone: NormalizedPhone | null): NewContact {
  return {
    accountId,
    name: identity.profileName ?? phone?.e164 ?? identity.waId ?? identity.userId ?? '',
    nameSource: 'profile',
    phoneNumber: phone?.e164 ?? null,
    phoneKey: phone?.key ?? null,
    bsuid: identity.userId,
    parentBsuid: identity.parentUserId,
  };
}

export interface ResolvedSender {
  contact: Contact;
  contactInboxId: number;
  /** The contact was created here (announce it). */
  created: boolean;
}

/**
 * resolveWhatsAppContact for a batch's senders new to this inbox, together, while the batch holds their
 * locks: the contacts the account already has are found by BSUID or phone key (Brazil's two forms share
 * it) in one query, the others created in one INSERT (one contact per person, whatever form each message
 * came in), and each wa_id gets its contact inbox in one more. Senders whose contact WhatsApp would change
 * (a BSUID or a profile name to fill in), or who lost a race with another writer, are left out: the
 * one-by-one path resolves them as usual.
 */
export async function resolveNewWhatsAppSenders(
  db: Kysely<Database>,
  inbox: Pick<Inbox, 'id' | 'account_id'>,
  identities: WhatsAppIdentity[],
): Promise<Map<string, ResolvedSender>> {
  const accountId = inbox.account_id;
  const bySource = new Map<string, { identity: WhatsAppIdentity; phone: NormalizedPhone | null }>();
  for (const identity of identities) {
    const sourceId = identity.waId ?? identity.userId;
    if (sourceId && !bySource.has(sourceId)) {
      bySource.set(sourceId, { identity, phone: identity.waId ? normalizePhone(identity.waId) : null });
    }
  }
  if (bySource.size === 0) return new Map();
  const senders = [...bySource.values()];
  const bsuids = [...new Set(senders.flatMap(({ identity }) => identity.userId ?? []))];
  const phoneKeys = [...new Set(senders.flatMap(({ phone }) => phone?.key ?? []))];
  const existing = await db
    .selectFrom('contacts')
    .selectAll()
    .where('account_id', '=', accountId)
    .where((eb) =>
      eb.or([
        ...(bsuids.length > 0 ? [eb('bsuid', 'in', bsuids)] : []),
        ...(phoneKeys.length > 0 ? [eb('phone_key', 'in', phoneKeys)] : []),
      ]),
    )
    .execute();
  const byBsuid = new Map(existing.flatMap((contact) => (contact.bsuid ? [[contact.bsuid, contact] as const] : [])));
  const byPhoneKey = new Map(
    existing.flatMap((contact) => (contact.phone_key ? [[contact.phone_key, contact] as const] : [])),
  );
  const found = (identity: WhatsAppIdentity, phone: NormalizedPhone | null) =>
    (identity.userId ? byBsuid.get(identity.userId) : undefined) ?? (phone ? byPhoneKey.get(phone.key) : undefined);

  // One new contact per person: both forms of a number (or a wa_id and its BSUID) in one batch share it.
  const personKey = (identity: WhatsAppIdentity) => senderLockKey(accountId, identity) ?? '';
  const toCreate = new Map<string, { identity: WhatsAppIdentity; phone: NormalizedPhone | null }>();
  for (const sender of senders) {
    if (!found(sender.identity, sender.phone) && !toCreate.has(personKey(sender.identity))) {
      toCreate.set(personKey(sender.identity), sender);
    }
  }
  const created = await contactsRepo.insertMany(
    db,
    [...toCreate.values()].map(({ identity, phone }) => newContactOf(accountId, identity, phone)),
  );
  const createdIds = new Set(created.map((contact) => contact.id));
  for (const contact of created) {
    if (contact.bsuid) byBsuid.set(contact.bsuid, contact);
    if (contact.phone_key) byPhoneKey.set(contact.phone_key, contact);
  }

  const linked = [...bySource].flatMap(([sourceId, { identity, phone }]) => {
    const contact = found(identity, phone);
    // Lost a race (contact not created), or WhatsApp tells something new about it: one by one.
    if (!contact || Object.keys(changesFrom(contact, identity)).length > 0) return [];
    return [{ sourceId, contact }];
  });
  if (linked.length === 0) return new Map();
  const contactInboxes = await db
    .insertInto('contact_inboxes')
    .values(
      linked.map(({ sourceId, contact }) => ({
        account_id: accountId,
        contact_id: contact.id,
        inbox_id: inbox.id,
        source_id: sourceId,
      })),
    )
    .onConflict((conflict) => conflict.columns(['inbox_id', 'source_id']).doNothing())
    .returning(['id', 'source_id', 'contact_id'])
    .execute();
  const contactInboxBySource = new Map(contactInboxes.map((row) => [row.source_id, row]));
  return new Map(
    linked.flatMap(({ sourceId, contact }) => {
      const contactInbox = contactInboxBySource.get(sourceId);
      if (!contactInbox || contactInbox.contact_id !== contact.id) return [];
      return [[sourceId, { contact, contactInboxId: contactInbox.id, created: createdIds.has(contact.id) }] as const];
    }),
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
    contact = await contactsRepo.insert(db, newContactOf(accountId, identity, phone));
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
