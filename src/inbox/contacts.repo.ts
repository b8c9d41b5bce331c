import { type Kysely, sql } from 'kysely';
import type { Contact, Database } from '../db/schema.js';

type Executor = Kysely<Database>;

export interface NewContact {
  accountId: number;
  name: string;
  nameSource: 'profile' | 'agent';
  phoneNumber: string | null;
  phoneKey: string | null;
  email?: string | null;
  identifier?: string | null;
  bsuid?: string | null;
  parentBsuid?: string | null;
}

/** Contact and contact-inbox queries; every one takes the account (or an inbox that belongs to it). */
export const contactsRepo = {
  async findByPhoneKey(db: Executor, accountId: number, phoneKey: string): Promise<Contact | undefined> {
    return db
      .selectFrom('contacts')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('phone_key', '=', phoneKey)
      .executeTakeFirst();
  },

  async findByBsuid(db: Executor, accountId: number, bsuid: string): Promise<Contact | undefined> {
    return db
      .selectFrom('contacts')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('bsuid', '=', bsuid)
      .executeTakeFirst();
  },

  async find(db: Executor, accountId: number, id: number): Promise<Contact | undefined> {
    return db
      .selectFrom('contacts')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
  },

  /** Inserts unless the phone key or BSUID already exists (another process won the race): then undefined. */
  async insert(db: Executor, values: NewContact): Promise<Contact | undefined> {
    return db
      .insertInto('contacts')
      .values({
        account_id: values.accountId,
        name: values.name,
        name_source: values.nameSource,
        phone_number: values.phoneNumber,
        phone_key: values.phoneKey,
        email: values.email ?? null,
        identifier: values.identifier ?? null,
        bsuid: values.bsuid ?? null,
        parent_bsuid: values.parentBsuid ?? null,
        custom_attributes: '{}',
        additional_attributes: '{}',
      })
      .onConflict((conflict) => conflict.doNothing())
      .returningAll()
      .executeTakeFirst();
  },

  async update(
    db: Executor,
    accountId: number,
    id: number,
    values: Partial<
      Pick<
        Contact,
        'name' | 'name_source' | 'bsuid' | 'parent_bsuid' | 'phone_number' | 'phone_key' | 'last_activity_at'
      >
    >,
  ): Promise<Contact | undefined> {
    return db
      .updateTable('contacts')
      .set({ ...values, updated_at: sql`now()` })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  },

  async findContactInbox(db: Executor, inboxId: number, sourceId: string) {
    return db
      .selectFrom('contact_inboxes')
      .selectAll()
      .where('inbox_id', '=', inboxId)
      .where('source_id', '=', sourceId)
      .executeTakeFirst();
  },

  async findContactInboxOf(db: Executor, inboxId: number, contactId: number) {
    return db
      .selectFrom('contact_inboxes')
      .selectAll()
      .where('inbox_id', '=', inboxId)
      .where('contact_id', '=', contactId)
      .orderBy('id')
      .executeTakeFirst();
  },

  /** The contact inbox for (inbox, source id), created when missing; safe under concurrent calls. */
  async ensureContactInbox(
    db: Executor,
    values: { accountId: number; contactId: number; inboxId: number; sourceId: string },
  ) {
    await db
      .insertInto('contact_inboxes')
      .values({
        account_id: values.accountId,
        contact_id: values.contactId,
        inbox_id: values.inboxId,
        source_id: values.sourceId,
      })
      .onConflict((conflict) => conflict.columns(['inbox_id', 'source_id']).doNothing())
      .execute();
    return db
      .selectFrom('contact_inboxes')
      .selectAll()
      .where('inbox_id', '=', values.inboxId)
      .where('source_id', '=', values.sourceId)
      .executeTakeFirstOrThrow();
  },
};
