import { type Kysely, type Selectable, sql } from 'kysely';
import type { Db } from '../db/client.js';
import type { Database, TeamsTable } from '../db/schema.js';

export type Team = Selectable<TeamsTable>;
/** A team as one user sees it: Chatwoot's `is_member` tells whether they belong to it. */
export type TeamView = Team & { is_member: boolean };

export interface TeamValues {
  name?: string | undefined;
  description?: string | undefined;
  allow_auto_assign?: boolean | undefined;
}

export function createTeamsRepo(db: Db) {
  const withMembership = (viewerId: number) =>
    db
      .selectFrom('teams')
      .selectAll('teams')
      .select((eb) =>
        eb
          .exists(
            eb
              .selectFrom('team_members')
              .select('team_members.user_id')
              .whereRef('team_members.team_id', '=', 'teams.id')
              .where('team_members.user_id', '=', viewerId),
          )
          .$castTo<boolean>()
          .as('is_member'),
      );

  return {
    async list(accountId: number, viewerId: number): Promise<TeamView[]> {
      return withMembership(viewerId).where('teams.account_id', '=', accountId).orderBy('teams.name').execute();
    },

    async find(accountId: number, id: number, viewerId: number): Promise<TeamView | undefined> {
      return withMembership(viewerId)
        .where('teams.account_id', '=', accountId)
        .where('teams.id', '=', id)
        .executeTakeFirst();
    },

    async create(accountId: number, values: TeamValues & { name: string }): Promise<Team> {
      return db
        .insertInto('teams')
        .values({ account_id: accountId, ...values })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    async update(accountId: number, id: number, values: TeamValues): Promise<Team | undefined> {
      return db
        .updateTable('teams')
        .set({ ...values, updated_at: sql`now()` })
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
    },

    /** Conversations of a deleted team keep going, without a team (ON DELETE SET NULL). */
    async remove(accountId: number, id: number): Promise<boolean> {
      const result = await db
        .deleteFrom('teams')
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numDeletedRows ?? 0) > 0;
    },

    async memberIds(accountId: number, teamId: number): Promise<number[]> {
      const rows = await db
        .selectFrom('team_members')
        .select('user_id')
        .where('account_id', '=', accountId)
        .where('team_id', '=', teamId)
        .orderBy('user_id')
        .execute();
      return rows.map((row) => row.user_id);
    },

    async addMembers(accountId: number, teamId: number, userIds: number[], executor: Kysely<Database> = db) {
      if (userIds.length === 0) return;
      await executor
        .insertInto('team_members')
        .values(userIds.map((userId) => ({ account_id: accountId, team_id: teamId, user_id: userId })))
        .onConflict((oc) => oc.columns(['team_id', 'user_id']).doNothing())
        .execute();
    },

    async removeMembers(accountId: number, teamId: number, userIds: number[], executor: Kysely<Database> = db) {
      if (userIds.length === 0) return;
      await executor
        .deleteFrom('team_members')
        .where('account_id', '=', accountId)
        .where('team_id', '=', teamId)
        .where('user_id', 'in', userIds)
        .execute();
    },
  };
}

export type TeamsRepo = ReturnType<typeof createTeamsRepo>;
