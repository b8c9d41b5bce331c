import { type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql } from 'kysely';
import type { Contact, Database } from '../db/schema.js';

type Executor = Kysely<Database>;

/** A condition on contacts (search, filter), built with Kysely expressions so values stay parameters. */
export type ContactCondition = (eb: ExpressionBuilder<Database, 'contacts'>) => Expression<SqlBool>;

export const CONTACT_SORT_COLUMNS = ['name', 'email', 'phone_number', 'last_activity_at', 'created_at'] as const;
export type ContactSortColumn = (typeof CONTACT_SORT_COLUMNS)[number];
export interface ContactSort {
  column: ContactSortColumn;
  direction: 'asc' | 'desc';
}

type ContactScalars = Pick<
  Contact,
  | 'name'
  | 'name_source'
  | 'email'
  | 'identifier'
  | 'bsuid'
  | 'parent_bsuid'
  | 'phone_number'
  | 'phone_key'
  | 'labels'
  | 'last_activity_at'
>;
export type ContactChanges = Partial<ContactScalars> & {
  custom_attributes?: Record<string, unknown>;
  additional_attributes?: Record<string, unknown>;
};

/** A contact's name, as the contacts API accepts it and the WhatsApp profile path keeps it. */
export const CONTACT_NAME_MAX_LENGTH = 255;

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
  customAttributes?: Record<string, unknown>;
  additionalAttributes?: Record<string, unknown>;
}

const contactRow = (values: NewContact) => ({
  account_id: values.accountId,
  name: values.name,
  name_source: values.nameSource,
  phone_number: values.phoneNumber,
  phone_key: values.phoneKey,
  email: values.email ?? null,
  identifier: values.identifier ?? null,
  bsuid: values.bsuid ?? null,
  parent_bsuid: values.parentBsuid ?? null,
  custom_attributes: JSON.stringify(values.customAttributes ?? {}),
  additional_attributes: JSON.stringify(values.additionalAttributes ?? {}),
});

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
      .values(contactRow(values))
      .onConflict((conflict) => conflict.doNothing())
      .returningAll()
      .executeTakeFirst();
  },

  /** insert for several at once, in one statement; the ones that lost a race are absent from the result. */
  async insertMany(db: Executor, values: NewContact[]): Promise<Contact[]> {
    if (values.length === 0) return [];
    return db
      .insertInto('contacts')
      .values(values.map(contactRow))
      .onConflict((conflict) => conflict.doNothing())
      .returningAll()
      .execute();
  },

  async update(db: Executor, accountId: number, id: number, values: ContactChanges): Promise<Contact | undefined> {
    const { custom_attributes, additional_attributes, labels, ...scalars } = values;
    return db
      .updateTable('contacts')
      .set({
        ...scalars,
        ...(custom_attributes ? { custom_attributes: JSON.stringify(custom_attributes) } : {}),
        ...(additional_attributes ? { additional_attributes: JSON.stringify(additional_attributes) } : {}),
        ...(labels ? { labels: sql<string[]>`ARRAY[${sql.join(labels)}]::text[]` } : {}),
        updated_at: sql`now()`,
      })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  },

  /** E-mails are compared case-insensitively (Chatwoot stores them lowercase). */
  async findByEmail(db: Executor, accountId: number, email: string): Promise<Contact | undefined> {
    return db
      .selectFrom('contacts')
      .selectAll()
      .where('account_id', '=', accountId)
      .where(sql`lower(email)`, '=', email.toLowerCase())
      .orderBy('id')
      .executeTakeFirst();
  },

  async findByIdentifier(db: Executor, accountId: number, identifier: string): Promise<Contact | undefined> {
    return db
      .selectFrom('contacts')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('identifier', '=', identifier)
      .orderBy('id')
      .executeTakeFirst();
  },

  /** Locks the rows (in id order, so two merges never deadlock) and returns those found in the account. */
  async lockMany(db: Executor, accountId: number, ids: number[]): Promise<Contact[]> {
    return db
      .selectFrom('contacts')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', 'in', ids)
      .orderBy('id')
      .forUpdate()
      .execute();
  },

  /** Deletes the contact; its contact inboxes, conversations and their messages go with it (FK cascade). */
  async delete(db: Executor, accountId: number, id: number): Promise<boolean> {
    const result = await db
      .deleteFrom('contacts')
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  },

  /** One page of the account's contacts matching `where`, and how many match in all. */
  async page(
    db: Executor,
    accountId: number,
    options: { where?: ContactCondition; sort: ContactSort; page: number; perPage: number },
  ): Promise<{ count: number; contacts: Contact[] }> {
    let query = db.selectFrom('contacts').where('account_id', '=', accountId);
    if (options.where) query = query.where(options.where);
    const { n } = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const { column, direction } = options.sort;
    const sortKey = column === 'name' || column === 'email' ? sql`lower(${sql.ref(column)})` : sql.ref(column);
    const contacts = await query
      .selectAll()
      .orderBy(sortKey, (order) => (direction === 'asc' ? order.asc() : order.desc()).nullsLast())
      .orderBy('id', direction)
      .limit(options.perPage)
      .offset((options.page - 1) * options.perPage)
      .execute();
    return { count: Number(n), contacts };
  },

  /** Whether any contact of the account has this custom attribute (Chatwoot answers 422 for unknown ones). */
  async hasCustomAttribute(db: Executor, accountId: number, key: string): Promise<boolean> {
    const row = await db
      .selectFrom('contacts')
      .select(sql`1`.as('one'))
      .where('account_id', '=', accountId)
      .where(sql<boolean>`custom_attributes ? ${key}`)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  },

  /** The contacts' contact inboxes with the inbox each belongs to, oldest first. */
  async contactInboxesOf(db: Executor, accountId: number, contactIds: number[]) {
    if (contactIds.length === 0) return [];
    return db
      .selectFrom('contact_inboxes')
      .innerJoin('inboxes', 'inboxes.id', 'contact_inboxes.inbox_id')
      .select([
        'contact_inboxes.id',
        'contact_inboxes.contact_id',
        'contact_inboxes.source_id',
        'inboxes.id as inbox_id',
        'inboxes.name as inbox_name',
        'inboxes.channel_type',
        'inboxes.phone_number as inbox_phone_number',
      ])
      .where('contact_inboxes.account_id', '=', accountId)
      .where('contact_inboxes.contact_id', 'in', contactIds)
      .orderBy('contact_inboxes.id')
      .execute();
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

  /** The contact a channel id in an inbox belongs to, with that contact inbox's id, in one query. */
  async findByContactInbox(
    db: Executor,
    accountId: number,
    inboxId: number,
    sourceId: string,
  ): Promise<{ contact: Contact; contactInboxId: number } | undefined> {
    const row = await db
      .selectFrom('contact_inboxes')
      .innerJoin('contacts', 'contacts.id', 'contact_inboxes.contact_id')
      .selectAll('contacts')
      .select('contact_inboxes.id as contact_inbox_id')
      .where('contact_inboxes.inbox_id', '=', inboxId)
      .where('contact_inboxes.source_id', '=', sourceId)
      .where('contacts.account_id', '=', accountId)
      .executeTakeFirst();
    if (!row) return undefined;
    const { contact_inbox_id, ...contact } = row;
    return { contact, contactInboxId: contact_inbox_id };
  },

  /**
   * ensureContactInbox in one round trip: inserts, or returns the row already there. Only a row committed
   * by a concurrent transaction after this statement began is invisible to it: then a second query.
   */
  async upsertContactInbox(
    db: Executor,
    values: { accountId: number; contactId: number; inboxId: number; sourceId: string },
  ) {
    const row = await db
      .with('inserted', (cte) =>
        cte
          .insertInto('contact_inboxes')
          .values({
            account_id: values.accountId,
            contact_id: values.contactId,
            inbox_id: values.inboxId,
            source_id: values.sourceId,
          })
          .onConflict((conflict) => conflict.columns(['inbox_id', 'source_id']).doNothing())
          .returningAll(),
      )
      .selectFrom('inserted')
      .selectAll()
      .unionAll((union) =>
        union
          .selectFrom('contact_inboxes')
          .selectAll()
          .where('inbox_id', '=', values.inboxId)
          .where('source_id', '=', values.sourceId),
      )
      .limit(1)
      .executeTakeFirst();
    return row ?? contactsRepo.ensureContactInbox(db, values);
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
