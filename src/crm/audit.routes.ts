import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import type { Database } from '../db/schema.js';
import { accountOf, requireAdministrator } from '../http/request-context.js';
import { AccountParamsSchema, errorResponses } from '../http/schemas.js';
import { CRM_PER_PAGE, InstantOut, idQuery, listOf, pageQuery } from './pipeline/crm-schemas.js';

/** The CRM's audited entities: audit_log rows with these target types. */
const CRM_ENTITIES = ['client', 'provider', 'event', 'assignment', 'deal'] as const;
type CrmEntity = (typeof CRM_ENTITIES)[number];

const AuditEntrySchema = z
  .object({
    id: z.number(),
    action: z.string().meta({ description: 'Ex.: deal.created, deal.updated, client.deleted' }),
    entity: z.enum(CRM_ENTITIES),
    entity_id: z.number(),
    actor: z.object({ id: z.number(), name: z.string() }).nullable(),
    changes: z.record(z.string(), z.unknown()).meta({ description: '{before, after} dos campos alterados' }),
    at: InstantOut,
  })
  .meta({ id: 'CrmAuditEntry' });

const AuditQuerySchema = z.object({
  entity: z.enum(CRM_ENTITIES, { error: `entity deve ser ${CRM_ENTITIES.join(', ')}` }).optional(),
  entity_id: idQuery('entity_id').optional(),
  page: pageQuery,
});

interface AuditFilter {
  accountId: number;
  entity?: CrmEntity | undefined;
  entityId?: number | undefined;
}

function auditQuery(db: Kysely<Database>, filter: AuditFilter) {
  let query = db
    .selectFrom('audit_log')
    .where('audit_log.account_id', '=', filter.accountId)
    .where('audit_log.target_type', 'in', filter.entity ? [filter.entity] : [...CRM_ENTITIES]);
  if (filter.entityId !== undefined) query = query.where('audit_log.target_id', '=', String(filter.entityId));
  return query;
}

/** A page of the CRM's audit trail, newest first (reads what every CRM service records). */
async function crmAuditPage(db: Db, filter: AuditFilter, page: number) {
  const [rows, total] = await Promise.all([
    auditQuery(db, filter)
      .leftJoin('users', 'users.id', 'audit_log.actor_user_id')
      .select([
        'audit_log.id',
        'audit_log.action',
        'audit_log.target_type',
        'audit_log.target_id',
        'audit_log.actor_user_id',
        'users.name as actor_name',
        'audit_log.details',
        'audit_log.created_at',
      ])
      .orderBy('audit_log.created_at', 'desc')
      .orderBy('audit_log.id', 'desc')
      .limit(CRM_PER_PAGE)
      .offset((page - 1) * CRM_PER_PAGE)
      .execute(),
    auditQuery(db, filter)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return {
    count: Number(total.n),
    payload: rows.map((row) => ({
      id: row.id,
      action: row.action,
      entity: row.target_type as CrmEntity,
      entity_id: Number(row.target_id),
      actor: row.actor_user_id !== null ? { id: row.actor_user_id, name: row.actor_name ?? '' } : null,
      changes: row.details,
      at: row.created_at.toISOString(),
    })),
  };
}

/** GET /audit_log: who changed which client, provider, event, assignment or deal, and what (administrators). */
export async function crmAuditRoutes(app: FastifyInstance, deps: { db: Db }) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/',
    {
      preHandler: requireAdministrator,
      schema: {
        tags: ['CRM: auditoria'],
        summary: 'Histórico de alterações do CRM (administradores; 25 por página, mais recentes primeiro)',
        params: AccountParamsSchema,
        querystring: AuditQuerySchema,
        response: { 200: listOf(AuditEntrySchema), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const { entity, entity_id: entityId, page } = request.query;
      const result = await crmAuditPage(deps.db, { accountId: accountOf(request).id, entity, entityId }, page);
      return { meta: { count: result.count, current_page: page }, payload: result.payload };
    },
  );
}
