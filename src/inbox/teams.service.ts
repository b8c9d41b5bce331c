import type { AuditRepo } from '../accounts/audit.repo.js';
import type { UsersRepo } from '../accounts/users.repo.js';
import type { Db } from '../db/client.js';
import { isUniqueViolation } from '../db/errors.js';
import { AppError, notFound } from '../shared/errors.js';
import { type Actor, changeMembers, type MemberChangeMode, membersAmong } from './member-set.js';
import type { TeamsRepo, TeamValues, TeamView } from './teams.repo.js';

function duplicateName(error: unknown): unknown {
  if (!isUniqueViolation(error)) return error;
  return new AppError('unprocessable', 'Já existe um time com este nome.', [{ field: 'name', message: 'já em uso' }]);
}

/** Teams (Chatwoot's): a name, a description, whether conversations given to the team are auto-assigned. */
export function createTeamsService(deps: { db: Db; teams: TeamsRepo; users: UsersRepo; audit: AuditRepo }) {
  const { teams, audit } = deps;

  async function get(accountId: number, id: number, viewerId: number): Promise<TeamView> {
    const team = await teams.find(accountId, id, viewerId);
    if (!team) throw notFound('Time');
    return team;
  }

  function record(actor: Actor, action: string, teamId: number, details: Record<string, unknown>) {
    return audit.record({
      action,
      accountId: actor.accountId,
      actorUserId: actor.userId,
      targetType: 'team',
      targetId: teamId,
      ip: actor.ip,
      details,
    });
  }

  return {
    list: (accountId: number, viewerId: number) => teams.list(accountId, viewerId),
    get,

    async create(actor: Actor, values: TeamValues & { name: string }): Promise<TeamView> {
      const team = await teams.create(actor.accountId, values).catch((error) => {
        throw duplicateName(error);
      });
      await record(actor, 'team.created', team.id, { name: team.name });
      return get(actor.accountId, team.id, actor.userId);
    },

    async update(actor: Actor, id: number, values: TeamValues): Promise<TeamView> {
      const updated = await teams.update(actor.accountId, id, values).catch((error) => {
        throw duplicateName(error);
      });
      if (!updated) throw notFound('Time');
      await record(actor, 'team.updated', id, { fields: Object.keys(values) });
      return get(actor.accountId, id, actor.userId);
    },

    async remove(actor: Actor, id: number): Promise<void> {
      const team = await get(actor.accountId, id, actor.userId);
      if (!(await teams.remove(actor.accountId, id))) throw notFound('Time');
      await record(actor, 'team.deleted', id, { name: team.name });
    },

    async members(accountId: number, teamId: number, viewerId: number) {
      await get(accountId, teamId, viewerId);
      return membersAmong(await deps.users.listAgents(accountId), await teams.memberIds(accountId, teamId));
    },

    async changeMembers(actor: Actor, teamId: number, mode: MemberChangeMode, userIds: number[]) {
      await get(actor.accountId, teamId, actor.userId);
      return changeMembers(
        deps,
        actor,
        {
          type: 'team',
          id: teamId,
          store: {
            memberIds: () => teams.memberIds(actor.accountId, teamId),
            add: (ids, executor) => teams.addMembers(actor.accountId, teamId, ids, executor),
            remove: (ids, executor) => teams.removeMembers(actor.accountId, teamId, ids, executor),
          },
        },
        mode,
        userIds,
      );
    },
  };
}

export type TeamsService = ReturnType<typeof createTeamsService>;
