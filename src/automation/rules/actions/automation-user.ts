import { sql } from 'kysely';
import type { Db } from '../../../db/client.js';

/** The user automation rules act as: a row without password or account membership, so nobody can sign in as it. */
export const AUTOMATION_USER = { name: 'Automação', email: 'automacao@santana.invalid' } as const;

/**
 * The id of the "Automação" user, created on first use. Messages, notes, activity lines, deals and the
 * audit log name who did something by user id; giving automation its own lets them say "Automação"
 * without a special case in every service.
 */
export function createAutomationUser(db: Db) {
  let id: Promise<number> | null = null;

  async function ensure(): Promise<number> {
    await db
      .insertInto('users')
      .values({ name: AUTOMATION_USER.name, email: AUTOMATION_USER.email, password_hash: null })
      .onConflict((conflict) => conflict.expression(sql`lower(email)`).doNothing())
      .execute();
    const row = await db
      .selectFrom('users')
      .select('id')
      .where(sql`lower(email)`, '=', AUTOMATION_USER.email)
      .executeTakeFirstOrThrow();
    return row.id;
  }

  return {
    id(): Promise<number> {
      id ??= ensure().catch((error: unknown) => {
        id = null;
        throw error;
      });
      return id;
    },
  };
}

export type AutomationUser = ReturnType<typeof createAutomationUser>;
