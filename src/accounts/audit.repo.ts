import type { Kysely } from 'kysely';
import type { Db } from '../db/client.js';
import type { Database } from '../db/schema.js';

export interface AuditEntry {
  action: string;
  accountId?: number | null;
  actorUserId?: number | null;
  targetType?: string;
  targetId?: string | number;
  ip?: string | null;
  /** Never secrets: callers pass ids, names and changed fields only. */
  details?: Record<string, unknown>;
}

export function createAuditRepo(db: Db) {
  return {
    async record(entry: AuditEntry, executor: Kysely<Database> = db): Promise<void> {
      await executor
        .insertInto('audit_log')
        .values({
          action: entry.action,
          account_id: entry.accountId ?? null,
          actor_user_id: entry.actorUserId ?? null,
          target_type: entry.targetType ?? null,
          target_id: entry.targetId === undefined ? null : String(entry.targetId),
          ip: entry.ip ?? null,
          details: JSON.stringify(entry.details ?? {}),
        })
        .execute();
    },

    async list(filter: { accountId: number; action?: string; limit: number; offset: number }) {
      let query = db
        .selectFrom('audit_log')
        .leftJoin('users', 'users.id', 'audit_log.actor_user_id')
        .select([
          'audit_log.id',
          'audit_log.action',
          'audit_log.actor_user_id',
          'users.name as actor_name',
          'audit_log.target_type',
          'audit_log.target_id',
          'audit_log.ip',
          'audit_log.details',
          'audit_log.created_at',
        ])
        .where('audit_log.account_id', '=', filter.accountId)
        .orderBy('audit_log.id', 'desc')
        .limit(filter.limit)
        .offset(filter.offset);
      if (filter.action) query = query.where('audit_log.action', '=', filter.action);
      return query.execute();
    },
  };
}

export type AuditRepo = ReturnType<typeof createAuditRepo>;
