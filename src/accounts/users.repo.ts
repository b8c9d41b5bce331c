import { type Kysely, sql } from 'kysely';
import type { Db } from '../db/client.js';
import type { Availability, Database, Role, User } from '../db/schema.js';

export interface Membership {
  account_id: number;
  account_name: string;
  role: Role;
  availability: Availability;
  auto_offline: boolean;
}

export interface AgentRow {
  id: number;
  account_id: number;
  name: string;
  display_name: string | null;
  email: string;
  role: Role;
  availability: Availability;
  auto_offline: boolean;
  confirmed: boolean;
}

/** Accounts, users and memberships. Account-scoped reads always take the account id. */
export function createUsersRepo(db: Db) {
  const agentColumns = [
    'users.id',
    'account_users.account_id',
    'users.name',
    'users.display_name',
    'users.email',
    'account_users.role',
    'account_users.availability',
    'account_users.auto_offline',
    sql<boolean>`users.password_hash IS NOT NULL`.as('confirmed'),
  ] as const;

  return {
    async createAccount(name: string, executor: Kysely<Database> = db) {
      return executor.insertInto('accounts').values({ name }).returningAll().executeTakeFirstOrThrow();
    },

    async countAccounts(): Promise<number> {
      const row = await db
        .selectFrom('accounts')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async findAccount(id: number) {
      return db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
    },

    async findUserByEmail(email: string): Promise<User | undefined> {
      return db
        .selectFrom('users')
        .selectAll()
        .where(sql`lower(email)`, '=', email.trim().toLowerCase())
        .executeTakeFirst();
    },

    async findUserById(id: number): Promise<User | undefined> {
      return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    },

    async createUser(
      values: { name: string; email: string; passwordHash: string | null },
      executor: Kysely<Database> = db,
    ): Promise<User> {
      return executor
        .insertInto('users')
        .values({ name: values.name, email: values.email.trim(), password_hash: values.passwordHash })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    async updateUser(id: number, values: { name?: string; display_name?: string | null; password_hash?: string }) {
      return db
        .updateTable('users')
        .set({ ...values, updated_at: sql`now()` })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
    },

    async memberships(userId: number): Promise<Membership[]> {
      return db
        .selectFrom('account_users')
        .innerJoin('accounts', 'accounts.id', 'account_users.account_id')
        .select([
          'account_users.account_id',
          'accounts.name as account_name',
          'account_users.role',
          'account_users.availability',
          'account_users.auto_offline',
        ])
        .where('account_users.user_id', '=', userId)
        .orderBy('account_users.account_id')
        .execute();
    },

    async membership(accountId: number, userId: number) {
      return db
        .selectFrom('account_users')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
    },

    async addMembership(
      values: { accountId: number; userId: number; role: Role; availability?: Availability; autoOffline?: boolean },
      executor: Kysely<Database> = db,
    ) {
      return executor
        .insertInto('account_users')
        .values({
          account_id: values.accountId,
          user_id: values.userId,
          role: values.role,
          availability: values.availability ?? 'offline',
          auto_offline: values.autoOffline ?? true,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    async updateMembership(
      accountId: number,
      userId: number,
      values: { role?: Role; availability?: Availability; auto_offline?: boolean },
    ) {
      return db
        .updateTable('account_users')
        .set({ ...values, updated_at: sql`now()` })
        .where('account_id', '=', accountId)
        .where('user_id', '=', userId)
        .returningAll()
        .executeTakeFirst();
    },

    async removeMembership(accountId: number, userId: number): Promise<boolean> {
      const result = await db
        .deleteFrom('account_users')
        .where('account_id', '=', accountId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return Number(result.numDeletedRows ?? 0) > 0;
    },

    async countAdministrators(accountId: number): Promise<number> {
      const row = await db
        .selectFrom('account_users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('account_id', '=', accountId)
        .where('role', '=', 'administrator')
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async listAgents(accountId: number): Promise<AgentRow[]> {
      return db
        .selectFrom('account_users')
        .innerJoin('users', 'users.id', 'account_users.user_id')
        .select(agentColumns)
        .where('account_users.account_id', '=', accountId)
        .orderBy('users.name')
        .execute();
    },

    async findAgent(accountId: number, userId: number): Promise<AgentRow | undefined> {
      return db
        .selectFrom('account_users')
        .innerJoin('users', 'users.id', 'account_users.user_id')
        .select(agentColumns)
        .where('account_users.account_id', '=', accountId)
        .where('users.id', '=', userId)
        .executeTakeFirst();
    },
  };
}

export type UsersRepo = ReturnType<typeof createUsersRepo>;
