import type { Kysely } from 'kysely';
import type { Contact, Database } from '../db/schema.js';
import { normalizePhone, whatsappVariants } from '../shared/phone.js';

/**
 * Every id WhatsApp may have used for this person in a webhook: the wa_ids their contact inboxes were
 * created with, both 9th-digit forms of each number, and their business-scoped user ids (BSUIDs).
 */
export async function whatsAppIdsOf(
  executor: Kysely<Database>,
  contact: Pick<Contact, 'id' | 'account_id' | 'phone_number' | 'bsuid' | 'parent_bsuid'>,
): Promise<string[]> {
  const sources = await executor
    .selectFrom('contact_inboxes')
    .innerJoin('inboxes', 'inboxes.id', 'contact_inboxes.inbox_id')
    .select('contact_inboxes.source_id')
    .where('contact_inboxes.account_id', '=', contact.account_id)
    .where('contact_inboxes.contact_id', '=', contact.id)
    .where('inboxes.channel_type', '=', 'whatsapp_cloud')
    .execute();
  const ids = new Set<string>();
  for (const value of [contact.phone_number, ...sources.map((row) => row.source_id)]) {
    if (!value) continue;
    const phone = normalizePhone(value);
    if (phone) for (const variant of whatsappVariants(phone)) ids.add(variant);
    else ids.add(value);
  }
  if (contact.bsuid) ids.add(contact.bsuid);
  if (contact.parent_bsuid) ids.add(contact.parent_bsuid);
  return [...ids];
}
