import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';

type Executor = Kysely<Database>;

const joinNotes = (base: string, mergee: string) =>
  !mergee || mergee === base ? base : !base ? mergee : `${base}\n\n${mergee}`;

async function mergeClients(db: Executor, accountId: number, baseId: number, mergeeId: number) {
  const rows = await db
    .selectFrom('clients')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('contact_id', 'in', [baseId, mergeeId])
    .orderBy('id')
    .forUpdate()
    .execute();
  const base = rows.find((row) => row.contact_id === baseId);
  const mergee = rows.find((row) => row.contact_id === mergeeId);
  if (!mergee) return;
  if (!base) {
    await db
      .updateTable('clients')
      .set({ contact_id: baseId, updated_at: sql`now()` })
      .where('id', '=', mergee.id)
      .execute();
    return;
  }
  // Both were clients: one client keeps every event; the base's address wins field by field.
  await db
    .updateTable('events')
    .set({ client_id: base.id, updated_at: sql`now()` })
    .where('account_id', '=', accountId)
    .where('client_id', '=', mergee.id)
    .execute();
  await db
    .updateTable('clients')
    .set({
      address: JSON.stringify({ ...mergee.address, ...base.address }),
      notes: joinNotes(base.notes, mergee.notes),
      updated_at: sql`now()`,
    })
    .where('id', '=', base.id)
    .execute();
  await db.deleteFrom('clients').where('id', '=', mergee.id).execute();
}

async function mergeProviders(db: Executor, accountId: number, baseId: number, mergeeId: number) {
  const rows = await db
    .selectFrom('providers')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('contact_id', 'in', [baseId, mergeeId])
    .orderBy('id')
    .forUpdate()
    .execute();
  const base = rows.find((row) => row.contact_id === baseId);
  const mergee = rows.find((row) => row.contact_id === mergeeId);
  if (!mergee) return;
  if (!base) {
    await db
      .updateTable('providers')
      .set({ contact_id: baseId, updated_at: sql`now()` })
      .where('id', '=', mergee.id)
      .execute();
    return;
  }
  // Both were providers: one provider with every service, region and assignment of the two.
  await db
    .insertInto('provider_services')
    .columns(['provider_id', 'service_type_id', 'account_id'])
    .expression((eb) =>
      eb
        .selectFrom('provider_services')
        .select([sql.lit(base.id).as('provider_id'), 'service_type_id', 'account_id'])
        .where('provider_id', '=', mergee.id),
    )
    .onConflict((conflict) => conflict.doNothing())
    .execute();
  await db
    .updateTable('assignments')
    .set({ provider_id: base.id, updated_at: sql`now()` })
    .where('account_id', '=', accountId)
    .where('provider_id', '=', mergee.id)
    .execute();
  const regions = [...new Set([...base.regions, ...mergee.regions])];
  await db
    .updateTable('providers')
    .set({
      regions: sql<string[]>`ARRAY[${sql.join(regions)}]::text[]`,
      active: base.active || mergee.active,
      rating: base.rating ?? mergee.rating,
      notes: joinNotes(base.notes, mergee.notes),
      updated_at: sql`now()`,
    })
    .where('id', '=', base.id)
    .execute();
  await db.deleteFrom('providers').where('id', '=', mergee.id).execute();
}

/** The base keeps its CPF/CNPJ; without one it takes the mergee's (unique per account: cleared there first). */
async function moveDocument(db: Executor, accountId: number, baseId: number, mergeeId: number) {
  const rows = await db
    .selectFrom('contacts')
    .select(['id', 'document', 'document_kind'])
    .where('account_id', '=', accountId)
    .where('id', 'in', [baseId, mergeeId])
    .execute();
  const base = rows.find((row) => row.id === baseId);
  const mergee = rows.find((row) => row.id === mergeeId);
  if (!base || base.document || !mergee?.document) return;
  await db.updateTable('contacts').set({ document: null, document_kind: null }).where('id', '=', mergeeId).execute();
  await db
    .updateTable('contacts')
    .set({ document: mergee.document, document_kind: mergee.document_kind })
    .where('id', '=', baseId)
    .execute();
}

/**
 * Contact merge, CRM side: the base contact takes the mergee's client and provider profiles (merged
 * into its own when it has one; each contact has at most one of each), deals, activities, notes and,
 * when it has none, the mergee's CPF/CNPJ.
 * Runs inside the merge's transaction, before the mergee is deleted (its cascade would take them).
 */
export async function moveCrmRecords(db: Executor, accountId: number, baseId: number, mergeeId: number) {
  await moveDocument(db, accountId, baseId, mergeeId);
  await mergeClients(db, accountId, baseId, mergeeId);
  await mergeProviders(db, accountId, baseId, mergeeId);
  for (const table of ['deals', 'activities', 'contact_notes'] as const) {
    await db
      .updateTable(table)
      .set({ contact_id: baseId })
      .where('account_id', '=', accountId)
      .where('contact_id', '=', mergeeId)
      .execute();
  }
}
