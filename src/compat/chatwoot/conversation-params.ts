import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { accountOf, principalOf } from '../../http/request-context.js';
import { AccountParamsSchema } from '../../http/schemas.js';
import type { ConversationViews } from '../../inbox/conversation-views.js';
import { notFound } from '../../shared/errors.js';

export const ConversationParamsSchema = AccountParamsSchema.extend({
  conversation_id: z.coerce.number({ error: 'conversation_id deve ser um número' }).int().positive(),
});

export const looseObject = z.record(z.string(), z.unknown());

/** Who is acting, as the conversation services need it (activity lines name the agent). */
export function actorOf(request: FastifyRequest) {
  const principal = principalOf(request);
  return { accountId: accountOf(request).id, userId: principal.userId, name: principal.displayName ?? principal.name };
}

/** The Chatwoot view of a conversation by its display id, or 404. */
export async function conversationView(views: ConversationViews, accountId: number, displayId: number) {
  const conversation = await views.findByDisplayId(accountId, displayId);
  if (!conversation) throw notFound('Conversa');
  const [view] = await views.conversationViews(accountId, [conversation]);
  if (!view) throw notFound('Conversa');
  return view;
}
