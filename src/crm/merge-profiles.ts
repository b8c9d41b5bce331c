import { type Kysely, type Selectable, sql } from 'kysely';
import { createAuditRepo } from '../accounts/audit.repo.js';
import type { Database } from '../db/schema.js';
import { changedFields } from './pipeline/references.js';

type Executor = Kysely<Database>;

/** Who merged the contacts (the audit log's actor); null for a merge no person asked for. */
export interface MergeActor {
  userId: number | null;
  ip: string | null;
}

interface MergeContext {
  db: Executor;
  accountId: number;
  baseId: number;
  mergeeId: number;
  actor: MergeActor;
}

/** One audit row of the merge's transaction, naming both contacts so the trail reads on its own. */
function recordMerge(
  context: MergeContext,
  entry: { action: string; targetType: 'client' | 'provider'; targetId: number; details: Record<string, unknown> },
) {
  return createAuditRepo(context.db).record({
    ...entry,
    accountId: context.accountId,
    actorUserId: context.actor.userId,
    ip: context.actor.ip,
    details: { ...entry.details, merge: { base_contact_id: context.baseId, mergee_contact_id: context.mergeeId } },
  });
}

type ProfileTable = 'clients' | 'providers';
type Profile<T extends ProfileTable> = Selectable<Database[T]> & { id: number; contact_id: number };

/**
 * Locks both contacts' profiles of one kind. When only the mergee has one, it moves to the base (audited)
 * and there is nothing to merge: null. When both have one, they are returned to be merged.
 */
async function profilesToMerge<T extends ProfileTable>(
  context: MergeContext,
  table: T,
): Promise<{ base: Profile<T>; mergee: Profile<T> } | null> {
  const { db, accountId, baseId, mergeeId } = context;
  // One query for either table: both have id, account_id and contact_id.
  const rows = (await db
    .selectFrom(table as ProfileTable)
    .selectAll()
    .where('account_id', '=', accountId)
    .where('contact_id', 'in', [baseId, mergeeId])
    .orderBy('id')
    .forUpdate()
    .execute()) as Profile<T>[];
  const base = rows.find((row) => row.contact_id === baseId);
  const mergee = rows.find((row) => row.contact_id === mergeeId);
  if (!mergee) return null;
  if (base) return { base, mergee };
  await db
    .updateTable(table as ProfileTable)
    .set({ contact_id: baseId, updated_at: sql`now()` })
    .where('id', '=', mergee.id)
    .execute();
  const kind = table === 'clients' ? 'client' : 'provider';
  await recordMerge(context, {
    action: `${kind}.updated`,
    targetType: kind,
    targetId: mergee.id,
    details: { before: { contact_id: mergeeId }, after: { contact_id: baseId } },
  });
  return null;
}

const joinNotes = (base: string, mergee: string) =>
  !mergee || mergee === base ? base : !base ? mergee : `${base}\n\n${mergee}`;

async function mergeClients(context: MergeContext) {
  const { db, accountId } = context;
  const profiles = await profilesToMerge(context, 'clients');
  if (!profiles) return;
  const { base, mergee } = profiles;
  // Both were clients: one client keeps every event; the base's address wins field by field.
  const moved = await db
    .updateTable('events')
    .set({ client_id: base.id, updated_at: sql`now()` })
    .where('account_id', '=', accountId)
    .where('client_id', '=', mergee.id)
    .returning('id')
    .execute();
  const after = { address: { ...mergee.address, ...base.address }, notes: joinNotes(base.notes, mergee.notes) };
  await db
    .updateTable('clients')
    .set({ address: JSON.stringify(after.address), notes: after.notes, updated_at: sql`now()` })
    .where('id', '=', base.id)
    .execute();
  await db.deleteFrom('clients').where('id', '=', mergee.id).execute();
  await recordMerge(context, {
    action: 'client.updated',
    targetType: 'client',
    targetId: base.id,
    details: {
      ...(changedFields(base, { ...base, ...after }, ['address', 'notes']) ?? {}),
      merged_client_id: mergee.id,
      event_ids: moved.map((row) => row.id),
    },
  });
  await recordMerge(context, {
    action: 'client.deleted',
    targetType: 'client',
    targetId: mergee.id,
    details: { before: { address: mergee.address, notes: mergee.notes }, merged_into_client_id: base.id },
  });
}

async function mergeProviders(context: MergeContext) {
  const { db, accountId } = context;
  const profiles = await profilesToMerge(context, 'providers');
  if (!profiles) return;
  const { base, mergee } = profiles;
  // Both were providers: one provider with every service, region and assignment of the two.
  const services = await db
    .insertInto('provider_services')
    .columns(['provider_id', 'service_type_id', 'account_id'])
    .expression((eb) =>
      eb
        .selectFrom('provider_services')
        .select([sql.lit(base.id).as('provider_id'), 'service_type_id', 'account_id'])
        .where('provider_id', '=', mergee.id),
    )
    .onConflict((conflict) => conflict.doNothing())
    .returning('service_type_id')
    .execute();
  const moved = await db
    .updateTable('assignments')
    .set({ provider_id: base.id, updated_at: sql`now()` })
    .where('account_id', '=', accountId)
    .where('provider_id', '=', mergee.id)
    .returning('id')
    .execute();
  const after = {
    regions: [...new Set([...base.regions, ...mergee.regions])],
    active: base.active || mergee.active,
    rating: base.rating ?? mergee.rating,
    notes: joinNotes(base.notes, mergee.notes),
  };
  await db
    .updateTable('providers')
    .set({
      ...after,
      regions: sql<string[]>`ARRAY[${sql.join(after.regions)}]::text[]`,
      updated_at: sql`now()`,
    })
    .where('id', '=', base.id)
    .execute();
  await db.deleteFrom('providers').where('id', '=', mergee.id).execute();
  await recordMerge(context, {
    action: 'provider.updated',
    targetType: 'provider',
    targetId: base.id,
    details: {
      ...(changedFields(base, { ...base, ...after }, ['regions', 'active', 'rating', 'notes']) ?? {}),
      merged_provider_id: mergee.id,
      added_service_type_ids: services.map((row) => row.service_type_id),
      assignment_ids: moved.map((row) => row.id),
    },
  });
  await recordMerge(context, {
    action: 'provider.deleted',
    targetType: 'provider',
    targetId: mergee.id,
    details: {
      before: { regions: mergee.regions, active: mergee.active, rating: mergee.rating, notes: mergee.notes },
      merged_into_provider_id: base.id,
    },
  });
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
 * Profiles that move, merge or disappear get their audit rows, with `actor` as who did it.
 */
export async function moveCrmRecords(
  db: Executor,
  accountId: number,
  baseId: number,
  mergeeId: number,
  actor: MergeActor,
) {
  const context: MergeContext = { db, accountId, baseId, mergeeId, actor };
  await moveDocument(db, accountId, baseId, mergeeId);
  await mergeClients(context);
  await mergeProviders(context);
  for (const table of ['deals', 'activities', 'contact_notes'] as const) {
    await db
      .updateTable(table)
      .set({ contact_id: baseId })
      .where('account_id', '=', accountId)
      .where('contact_id', '=', mergeeId)
      .execute();
  }
}
