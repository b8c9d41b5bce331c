import { type Kysely, sql } from 'kysely';
import type { Contact, Database, Inbox } from '../db/schema.js';
import { normalizePhone } from '../shared/phone.js';
import { contactsRepo } from './contacts.repo.js';

export interface WhatsAppIdentity {
  waId: string | null;
  userId: string | null;
  parentUserId: string | null;
  profileName: string | null;
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
): Promise<{ contact: Contact; contactInboxId: number; sourceId: string; created: boolean }> {
  const accountId = inbox.account_id;
  const sourceId = identity.waId ?? identity.userId;
  if (!sourceId) throw new Error('A WhatsApp sender without wa_id or user_id cannot be identified');
  const phone = identity.waId ? normalizePhone(identity.waId) : null;
  // One sender at a time per account: concurrent webhooks for the same person would otherwise take
  // contact, conversation and account locks in different orders and deadlock.
  const lockKey = `contact:${accountId}:${phone?.key ?? identity.userId ?? sourceId}`;
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${lockKey}, 0))`.execute(db);

  let contact: Contact | undefined;
  const known = await contactsRepo.findContactInbox(db, inbox.id, sourceId);
  if (known) contact = await contactsRepo.find(db, accountId, known.contact_id);
  if (!contact && identity.userId) contact = await contactsRepo.findByBsuid(db, accountId, identity.userId);
  if (!contact && phone) contact = await contactsRepo.findByPhoneKey(db, accountId, phone.key);

  let created = false;
  if (!contact) {
    const values = {
      accountId,
      name: identity.profileName ?? phone?.e164 ?? sourceId,
      nameSource: 'profile' as const,
      phoneNumber: phone?.e164 ?? null,
      phoneKey: phone?.key ?? null,
      bsuid: identity.userId,
      parentBsuid: identity.parentUserId,
    };
    contact = await contactsRepo.insert(db, values);
    created = contact !== undefined;
    // Lost a race with a concurrent message from the same person: use the contact that won.
    contact ??=
      (identity.userId ? await contactsRepo.findByBsuid(db, accountId, identity.userId) : undefined) ??
      (phone ? await contactsRepo.findByPhoneKey(db, accountId, phone.key) : undefined);
    if (!contact) throw new Error(`Could not create or find the contact for ${sourceId}`);
  } else {
    const changes: Parameters<typeof contactsRepo.update>[3] = {};
    // WhatsApp's profile name fills in a name it gave before; a name an agent typed is never overwritten.
    if (identity.profileName && contact.name_source === 'profile' && contact.name !== identity.profileName) {
      changes.name = identity.profileName;
    }
    if (identity.userId && !contact.bsuid) changes.bsuid = identity.userId;
    if (identity.parentUserId && !contact.parent_bsuid) changes.parent_bsuid = identity.parentUserId;
    if (phone && !contact.phone_key) Object.assign(changes, { phone_number: phone.e164, phone_key: phone.key });
    if (Object.keys(changes).length > 0)
      contact = (await contactsRepo.update(db, accountId, contact.id, changes)) ?? contact;
  }

  const contactInbox = await contactsRepo.ensureContactInbox(db, {
    accountId,
    contactId: contact.id,
    inboxId: inbox.id,
    sourceId,
  });
  return { contact, contactInboxId: contactInbox.id, sourceId, created };
}
