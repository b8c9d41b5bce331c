import type { FastifyRequest } from 'fastify';
import type { Db } from '../db/client.js';
import type { Role } from '../db/schema.js';
import { accountOf, principalOf } from '../http/request-context.js';
import { AppError } from '../shared/errors.js';

/** The inboxes a caller may see: `null` means all of the account's (administrators), as in Chatwoot. */
export type InboxScope = readonly number[] | null;

export function createInboxAccess(deps: { db: Db }) {
  const { db } = deps;

  async function scopeFor(accountId: number, userId: number, role: Role): Promise<InboxScope> {
    if (role === 'administrator') return null;
    const rows = await db
      .selectFrom('inbox_members')
      .select('inbox_id')
      .where('account_id', '=', accountId)
      .where('user_id', '=', userId)
      .execute();
    return rows.map((row) => row.inbox_id);
  }

  return {
    scopeFor,

    /** The scope of the caller of an `/accounts/:account_id` route. */
    scopeOf(request: FastifyRequest): Promise<InboxScope> {
      const account = accountOf(request);
      return scopeFor(account.id, principalOf(request).userId, account.role);
    },

    /**
     * Routes under `/conversations/:conversation_id`: an agent who is not a member of the
     * conversation's inbox gets the same 404 as for a conversation that does not exist.
     */
    async guardConversation(request: FastifyRequest): Promise<void> {
      const raw = (request.params as { conversation_id?: string } | undefined)?.conversation_id;
      if (raw === undefined || !/^\d{1,9}$/.test(raw)) return;
      const account = accountOf(request);
      if (account.role === 'administrator') return;
      const visible = await db
        .selectFrom('conversations')
        .innerJoin('inbox_members', (join) =>
          join
            .onRef('inbox_members.inbox_id', '=', 'conversations.inbox_id')
            .on('inbox_members.user_id', '=', principalOf(request).userId),
        )
        .select('conversations.id')
        .where('conversations.account_id', '=', account.id)
        .where('conversations.display_id', '=', Number(raw))
        .executeTakeFirst();
      if (!visible) throw new AppError('not_found', 'Conversa não encontrada.');
    },
  };
}

export type InboxAccess = ReturnType<typeof createInboxAccess>;

/** Whether a scope lets its holder see something in `inboxId`. */
export const inScope = (scope: InboxScope, inboxId: number | null | undefined) =>
  scope === null || (inboxId !== null && inboxId !== undefined && scope.includes(inboxId));
