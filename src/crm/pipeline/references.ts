import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { AppError } from '../../shared/errors.js';

type Executor = Kysely<Database>;

/** A 404 that names the field whose id was not found in the account (another account's ids look the same). */
export const missingReference = (field: string, what: string, id: number) =>
  new AppError('not_found', `${what} não encontrado: ${field} ${id}.`, [{ field, message: 'não encontrado', id }]);

export async function requireContact(db: Executor, accountId: number, id: number, field = 'contact_id') {
  const row = await db
    .selectFrom('contacts')
    .select(['id', 'name', 'phone_number', 'email'])
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw missingReference(field, 'Contato', id);
  return row;
}

/** A user who is a member of the account (owner, assignee). */
export async function requireMember(db: Executor, accountId: number, userId: number, field: string) {
  const row = await db
    .selectFrom('account_users')
    .innerJoin('users', 'users.id', 'account_users.user_id')
    .select(['users.id', 'users.name'])
    .where('account_users.account_id', '=', accountId)
    .where('account_users.user_id', '=', userId)
    .executeTakeFirst();
  if (!row) throw missingReference(field, 'Agente', userId);
  return row;
}

/** A conversation by its display id (the id Chatwoot's API and the web app show). */
export async function requireConversation(db: Executor, accountId: number, displayId: number, field: string) {
  const row = await db
    .selectFrom('conversations')
    .select(['id', 'display_id', 'inbox_id', 'contact_id'])
    .where('account_id', '=', accountId)
    .where('display_id', '=', displayId)
    .executeTakeFirst();
  if (!row) throw missingReference(field, 'Conversa', displayId);
  return row;
}

export async function requireEvent(db: Executor, accountId: number, id: number, field = 'event_id') {
  const row = await db
    .selectFrom('events')
    .select(['id', 'title'])
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw missingReference(field, 'Evento', id);
  return row;
}

export async function requireDeal(db: Executor, accountId: number, id: number, field = 'deal_id') {
  const row = await db
    .selectFrom('deals')
    .select(['id', 'contact_id'])
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw missingReference(field, 'Negócio', id);
  return row;
}

/** The fields whose values differ, as the audit log keeps them: `{before, after}`. */
export function changedFields<T extends object>(before: T, after: T, keys: readonly (keyof T)[]) {
  const changes: { before: Record<string, unknown>; after: Record<string, unknown> } = { before: {}, after: {} };
  for (const key of keys) {
    const [a, b] = [normalise(before[key]), normalise(after[key])];
    if (a !== b) {
      changes.before[key as string] = before[key] ?? null;
      changes.after[key as string] = after[key] ?? null;
    }
  }
  return Object.keys(changes.after).length ? changes : null;
}

const normalise = (value: unknown) => (value instanceof Date ? value.toISOString() : JSON.stringify(value ?? null));
