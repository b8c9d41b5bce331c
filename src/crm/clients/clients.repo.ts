import { type Expression, expressionBuilder, type Kysely, type SqlBool, sql } from 'kysely';
import type { Database } from '../../db/schema.js';
import { personSearchIds } from '../person-search.js';

type Executor = Kysely<Database>;

/** A client's address: what the form has, only the keys that were filled in. */
export type Address = Partial<Record<'street' | 'number' | 'district' | 'city' | 'state' | 'zip', string>>;

const VIEW_COLUMNS = [
  'clients.id',
  'clients.contact_id',
  'clients.address',
  'clients.notes',
  'clients.created_at',
  'clients.updated_at',
  'contacts.name',
  'contacts.phone_number',
  'contacts.email',
  'contacts.document',
  'contacts.document_kind',
] as const;

function viewQuery(db: Executor, accountId: number) {
  return db
    .selectFrom('clients')
    .innerJoin('contacts', 'contacts.id', 'clients.contact_id')
    .select(VIEW_COLUMNS)
    .where('clients.account_id', '=', accountId);
}

export type ClientRow = Awaited<ReturnType<typeof clientsRepo.find>> & {};

/** The account's clients, one person's (`contactId`) or those whose contact matches the search `q`. */
function clientFilterCondition(accountId: number, filter: { q?: string | undefined; contactId?: number | undefined }) {
  const eb = expressionBuilder<Database, 'clients'>();
  const conditions: Expression<SqlBool>[] = [eb('clients.account_id', '=', accountId)];
  if (filter.contactId !== undefined) conditions.push(eb('clients.contact_id', '=', filter.contactId));
  if (filter.q) {
    conditions.push(eb('clients.contact_id', 'in', personSearchIds(accountId, filter.q)));
  }
  return eb.and(conditions);
}

/** Client profiles; every query takes the account. */
export const clientsRepo = {
  find(db: Executor, accountId: number, id: number) {
    return viewQuery(db, accountId).where('clients.id', '=', id).executeTakeFirst();
  },

  findByContact(db: Executor, accountId: number, contactId: number) {
    return viewQuery(db, accountId).where('clients.contact_id', '=', contactId).executeTakeFirst();
  },

  lock(db: Executor, accountId: number, id: number) {
    return db
      .selectFrom('clients')
      .select(['id', 'contact_id'])
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
  },

  /** Inserts the profile unless the contact already has one (then undefined). */
  insert(db: Executor, values: { accountId: number; contactId: number; address: Address; notes: string }) {
    return db
      .insertInto('clients')
      .values({
        account_id: values.accountId,
        contact_id: values.contactId,
        address: JSON.stringify(values.address),
        notes: values.notes,
      })
      .onConflict((conflict) => conflict.column('contact_id').doNothing())
      .returning('id')
      .executeTakeFirst();
  },

  async update(db: Executor, accountId: number, id: number, values: { address?: Address; notes?: string }) {
    await db
      .updateTable('clients')
      .set({
        ...(values.address ? { address: JSON.stringify(values.address) } : {}),
        ...(values.notes === undefined ? {} : { notes: values.notes }),
        updated_at: sql`now()`,
      })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .execute();
  },

  async delete(db: Executor, accountId: number, id: number) {
    await db.deleteFrom('clients').where('account_id', '=', accountId).where('id', '=', id).execute();
  },

  async hasEvents(db: Executor, accountId: number, id: number): Promise<boolean> {
    const row = await db
      .selectFrom('events')
      .select('id')
      .where('account_id', '=', accountId)
      .where('client_id', '=', id)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  },

  /** Newest first; `q` matches name, e-mail, phone (either 9th-digit form) or document; `contactId` one person's. */
  async page(
    db: Executor,
    accountId: number,
    options: { q?: string | undefined; contactId?: number | undefined; page: number; perPage: number },
  ) {
    const matches = clientFilterCondition(accountId, options);
    const offset = (options.page - 1) * options.perPage;
    const count = async () => {
      const { n } = await db
        .selectFrom('clients')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where(matches)
        .executeTakeFirstOrThrow();
      return Number(n);
    };
    if (!options.q) {
      // The whole list: counted on clients alone while the newest are read.
      const [n, rows] = await Promise.all([
        count(),
        viewQuery(db, accountId)
          .where(matches)
          .orderBy('clients.id', 'desc')
          .limit(options.perPage)
          .offset(offset)
          .execute(),
      ]);
      return { count: n, rows };
    }
    // A search finds its clients once (index scans, one visit per matching contact), then counts them
    // and reads the page's profiles. Counting in a second statement repeated that work; count(*) over ()
    // let the planner walk every client newest first to honour the ORDER BY.
    const found = await db
      .with(
        (cte) => cte('matched').materialized(),
        (qb) => qb.selectFrom('clients').select('clients.id').where(matches),
      )
      .selectFrom('clients')
      .innerJoin('contacts', 'contacts.id', 'clients.contact_id')
      .select(VIEW_COLUMNS)
      .select((eb) => eb.selectFrom('matched').select(eb.fn.countAll<number>().as('n')).as('total'))
      .where('clients.account_id', '=', accountId)
      .where('clients.id', 'in', (eb) =>
        eb
          .selectFrom('matched')
          .select('matched.id')
          .orderBy('matched.id', 'desc')
          .limit(options.perPage)
          .offset(offset),
      )
      .orderBy('clients.id', 'desc')
      .execute();
    const rows = found.map(({ total: _total, ...row }) => row);
    if (found[0]) return { count: Number(found[0].total), rows };
    // No row to carry the count: nothing matched, or a page past the last.
    return { count: options.page === 1 ? 0 : await count(), rows };
  },

  /** One batch of the account's clients after `afterId`, oldest first (exports walk them all). */
  batch(db: Executor, accountId: number, afterId: number, limit: number) {
    return viewQuery(db, accountId).where('clients.id', '>', afterId).orderBy('clients.id').limit(limit).execute();
  },
};
