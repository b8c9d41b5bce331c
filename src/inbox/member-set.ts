import type { Kysely } from 'kysely';
import type { AuditRepo } from '../accounts/audit.repo.js';
import type { AgentRow, UsersRepo } from '../accounts/users.repo.js';
import type { Db } from '../db/client.js';
import type { Database } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import { AppError } from '../shared/errors.js';

/** Who asked for an administrative change (recorded in the audit log). */
export interface Actor {
  accountId: number;
  userId: number;
  ip: string;
}

/** Chatwoot's three membership verbs: POST adds, PATCH replaces the whole set, DELETE removes. */
export type MemberChangeMode = 'add' | 'replace' | 'remove';

/** Which user ids to insert and which to delete so the set ends as the request asks. */
export function planMemberChange(
  mode: MemberChangeMode,
  current: readonly number[],
  requested: readonly number[],
): { add: number[]; remove: number[] } {
  const have = new Set(current);
  const want = new Set(requested);
  const missing = [...want].filter((id) => !have.has(id));
  if (mode === 'add') return { add: missing, remove: [] };
  if (mode === 'remove') return { add: [], remove: [...want].filter((id) => have.has(id)) };
  return { add: missing, remove: current.filter((id) => !want.has(id)) };
}

/** A member table (inbox_members, team_members) seen through one inbox or team. */
export interface MemberStore {
  memberIds(): Promise<number[]>;
  add(userIds: number[], executor: Kysely<Database>): Promise<void>;
  remove(userIds: number[], executor: Kysely<Database>): Promise<void>;
}

/**
 * Applies a membership change in one transaction, audits it, and returns the members afterwards as
 * agents of the account. Only agents of this account may be added (422 names the others).
 */
export async function changeMembers(
  deps: { db: Db; users: UsersRepo; audit: AuditRepo },
  actor: Actor,
  target: { type: 'inbox' | 'team'; id: number; store: MemberStore },
  mode: MemberChangeMode,
  userIds: number[],
): Promise<AgentRow[]> {
  const agents = await deps.users.listAgents(actor.accountId);
  const known = new Set(agents.map((agent) => agent.id));
  // Removing someone who already left the account is harmless; adding them is not.
  const strangers = mode === 'remove' ? [] : userIds.filter((id) => !known.has(id));
  if (strangers.length > 0) {
    throw new AppError('unprocessable', 'Todos os usuários devem ser agentes desta conta.', [
      { field: 'user_ids', message: `não são agentes desta conta: ${strangers.join(', ')}` },
    ]);
  }
  const plan = planMemberChange(mode, await target.store.memberIds(), userIds);
  if (plan.add.length > 0 || plan.remove.length > 0) {
    await inTransaction(deps.db, async ({ trx }) => {
      await target.store.add(plan.add, trx);
      await target.store.remove(plan.remove, trx);
      await deps.audit.record(
        {
          action: `${target.type}.members_changed`,
          accountId: actor.accountId,
          actorUserId: actor.userId,
          targetType: target.type,
          targetId: target.id,
          ip: actor.ip,
          details: { added: plan.add, removed: plan.remove },
        },
        trx,
      );
    });
  }
  return membersAmong(agents, await target.store.memberIds());
}

/** The account's agents who are in `memberIds`, in the account's agent order. */
export function membersAmong(agents: AgentRow[], memberIds: number[]): AgentRow[] {
  const members = new Set(memberIds);
  return agents.filter((agent) => members.has(agent.id));
}
