import { type Kysely, sql } from 'kysely';
import type { AuditRepo } from '../../accounts/audit.repo.js';
import type { Db } from '../../db/client.js';
import type { Database } from '../../db/schema.js';
import { inTransaction, type TxContext } from '../../db/transaction.js';
import { AppError, notFound } from '../../shared/errors.js';
import type { CrmActor } from '../pipeline/actor.js';
import { findServiceTypeByNameOrId, type ServiceType, serviceTypesRepo } from './service-types.repo.js';

/**
 * The service types named or numbered in `refs` ("DJ", 3, "3"), each once, in the order given.
 * Unknown ones answer 422 naming every one of them.
 */
export async function resolveServiceTypes(
  db: Kysely<Database>,
  accountId: number,
  refs: ReadonlyArray<string | number>,
  field = 'services',
): Promise<Array<{ id: number; name: string }>> {
  const found = new Map<number, { id: number; name: string }>();
  const unknown: string[] = [];
  for (const ref of refs) {
    const row = await findServiceTypeByNameOrId(db, accountId, ref);
    if (row) found.set(row.id, { id: row.id, name: row.name });
    else unknown.push(String(ref));
  }
  if (unknown.length > 0) {
    throw new AppError(
      'unprocessable',
      `Tipo de serviço desconhecido em ${field}: ${unknown.join(', ')}. Cadastre-o em Tipos de serviço primeiro.`,
      unknown.map((value) => ({ field, message: 'tipo de serviço desconhecido', value })),
    );
  }
  return [...found.values()];
}

/** Service types ("Garçom", "DJ", "Montagem"): names unique per account, ignoring case. */
export function createServiceTypesService(deps: { db: Db; audit: AuditRepo }) {
  const { db } = deps;

  // Two requests creating "DJ" and "dj" at once: the second waits, then sees the first.
  async function refuseTakenName(tx: TxContext, accountId: number, name: string, selfId?: number) {
    await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`crm:service-type:${accountId}:${name.toLowerCase()}`}, 0))`.execute(
      tx.trx,
    );
    const other = await serviceTypesRepo.findByName(tx.trx, accountId, name);
    if (other && other.id !== selfId) {
      throw new AppError('unprocessable', `Já existe o tipo de serviço ${other.name}.`, [
        { field: 'name', message: 'já cadastrado', id: other.id },
      ]);
    }
  }

  const record = (tx: TxContext, actor: CrmActor, action: string, id: number, details: Record<string, unknown>) =>
    deps.audit.record(
      {
        action,
        accountId: actor.accountId,
        actorUserId: actor.userId,
        ip: actor.ip,
        targetType: 'service_type',
        targetId: id,
        details,
      },
      tx.trx,
    );

  async function lockExisting(tx: TxContext, accountId: number, id: number): Promise<ServiceType> {
    const row = await serviceTypesRepo.lock(tx.trx, accountId, id);
    if (!row) throw notFound('Tipo de serviço');
    return row;
  }

  return {
    list: (accountId: number) => serviceTypesRepo.list(db, accountId),

    create: (actor: CrmActor, name: string) =>
      inTransaction(db, async (tx) => {
        await refuseTakenName(tx, actor.accountId, name);
        const created = await serviceTypesRepo.insert(tx.trx, actor.accountId, name);
        await record(tx, actor, 'service_type.created', created.id, { after: { name } });
        return created;
      }),

    rename: (actor: CrmActor, id: number, name: string) =>
      inTransaction(db, async (tx) => {
        const before = await lockExisting(tx, actor.accountId, id);
        await refuseTakenName(tx, actor.accountId, name, id);
        const updated = await serviceTypesRepo.rename(tx.trx, actor.accountId, id, name);
        if (before.name !== name) {
          await record(tx, actor, 'service_type.updated', id, { before: { name: before.name }, after: { name } });
        }
        return updated;
      }),

    /** Providers simply stop offering it; events that staff it or assignments for it keep it (409). */
    remove: (actor: CrmActor, id: number) =>
      inTransaction(db, async (tx) => {
        const existing = await lockExisting(tx, actor.accountId, id);
        if (await serviceTypesRepo.inUse(tx.trx, actor.accountId, id)) {
          throw new AppError(
            'conflict',
            `O tipo de serviço ${existing.name} está em uso na equipe de eventos ou em escalas e não pode ser excluído.`,
          );
        }
        await serviceTypesRepo.delete(tx.trx, actor.accountId, id);
        await record(tx, actor, 'service_type.deleted', id, { before: { name: existing.name } });
      }),
  };
}

export type ServiceTypesService = ReturnType<typeof createServiceTypesService>;
