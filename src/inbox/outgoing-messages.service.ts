import { z } from 'zod';
import { InteractiveSchema, type TemplateSend } from '../channels/whatsapp/outbound-payload.js';
import { assertTemplateSendable } from '../channels/whatsapp/template-validation.js';
import type { Db } from '../db/client.js';
import type { Message } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import type { JobSystem } from '../jobs/job-system.js';
import type { EventBus } from '../realtime/event-bus.js';
import type { Clock } from '../shared/clock.js';
import { AppError, notFound } from '../shared/errors.js';
import { conversationsRepo } from './conversations.repo.js';
import { hasMessageVariables, loadVariableContext, renderMessageVariables } from './message-variables.js';
import { messagesRepo } from './messages.repo.js';
import { replyWindow } from './window.js';

export const WINDOW_CLOSED_MESSAGE = 'A janela de 24 horas está fechada: envie um modelo aprovado';
const TEXT_LIMIT = 4096;

export interface OutgoingInput {
  content?: string | null;
  private?: boolean;
  /** Reply buttons (1–3) or a list (≤ 10 rows), validated against Meta's limits. */
  interactive?: unknown;
  /** A template already resolved to Cloud API components (see templates). */
  template?: (TemplateSend & { rendered?: string | null }) | null;
  /** Our id of the message being answered (quoted on WhatsApp). */
  inReplyToId?: number | null;
}

/**
 * Agent replies: validated against WhatsApp's rules before anything is stored, committed as `queued`
 * with the send job in one transaction, so an accepted reply survives a crash.
 */
export function createOutgoingMessagesService(deps: { db: Db; jobs: JobSystem; events: EventBus; clock: Clock }) {
  function validate(input: OutgoingInput) {
    if (input.template) return;
    if (input.interactive !== undefined && input.interactive !== null) {
      const parsed = InteractiveSchema.safeParse(input.interactive);
      if (!parsed.success) {
        throw new AppError(
          'unprocessable',
          'Mensagem interativa fora dos limites do WhatsApp (1 a 3 botões de até 20 caracteres; listas com até 10 opções).',
          parsed.error.issues.map((issue) => ({
            field: `content_attributes.interactive.${issue.path.join('.')}`,
            message: issue.message,
          })),
        );
      }
      return;
    }
    const content = input.content?.trim() ?? '';
    if (content === '')
      throw new AppError('unprocessable', 'A mensagem está vazia.', [{ field: 'content', message: 'obrigatório' }]);
    if (content.length > TEXT_LIMIT) {
      throw new AppError('unprocessable', `A mensagem passa de ${TEXT_LIMIT} caracteres, o limite do WhatsApp.`, [
        { field: 'content', message: `no máximo ${TEXT_LIMIT} caracteres` },
      ]);
    }
  }

  return {
    async create(
      actor: { accountId: number; userId: number },
      conversationId: number,
      input: OutgoingInput,
    ): Promise<Message> {
      validate(input);
      const now = deps.clock.now();
      return inTransaction(deps.db, async (tx) => {
        const conversation = await conversationsRepo.find(tx.trx, actor.accountId, conversationId);
        if (!conversation) throw notFound('Conversa');
        const isPrivate = input.private === true;
        if (!isPrivate && !input.template && !replyWindow(conversation.last_incoming_at, now).canReply) {
          throw new AppError('window_closed', WINDOW_CLOSED_MESSAGE);
        }
        if (input.template && !isPrivate) await assertTemplateSendable(tx.trx, conversation.inbox_id, input.template);
        let replyTo: string | null = null;
        if (input.inReplyToId) {
          const quoted = await tx.trx
            .selectFrom('messages')
            .select('source_id')
            .where('id', '=', input.inReplyToId)
            .where('conversation_id', '=', conversation.id)
            .executeTakeFirst();
          if (!quoted)
            throw new AppError('unprocessable', 'A mensagem respondida não está nesta conversa.', [
              { field: 'content_attributes.in_reply_to', message: 'não encontrada' },
            ]);
          replyTo = quoted.source_id;
        }
        const interactive = input.interactive ? InteractiveSchema.parse(input.interactive) : undefined;
        // Canned responses carry {{contact.name}}-style variables; notes and templates are kept as written.
        const text = input.content?.trim() ?? null;
        const content =
          text && !isPrivate && !input.template && hasMessageVariables(text)
            ? renderMessageVariables(text, await loadVariableContext(tx.trx, conversation, actor.userId))
            : text;
        const message = await messagesRepo.insert(tx.trx, {
          accountId: actor.accountId,
          inboxId: conversation.inbox_id,
          conversationId: conversation.id,
          messageType: input.template ? 3 : 1,
          contentType: interactive ? 'input_select' : 'text',
          content: input.template
            ? (input.template.rendered ?? input.content ?? null)
            : interactive
              ? interactive.body
              : content,
          contentAttributes: {
            ...(interactive ? { interactive } : {}),
            ...(input.template
              ? {
                  template: {
                    name: input.template.name,
                    language: input.template.language,
                    components: input.template.components,
                  },
                }
              : {}),
            ...(input.inReplyToId ? { in_reply_to: input.inReplyToId } : {}),
          },
          private: isPrivate,
          // Private notes never leave Santana.
          status: isPrivate ? 'sent' : 'queued',
          sourceId: null,
          senderType: 'user',
          senderId: actor.userId,
          inReplyToSourceId: replyTo,
          sentAt: now,
        });
        if (!message) throw new Error('Outgoing message not stored');
        if (!isPrivate) {
          await deps.jobs.enqueue(
            'whatsapp.send_message',
            { messageId: message.id },
            { tx, key: `send:${message.id}`, accountId: actor.accountId },
          );
          await conversationsRepo.recordOutgoing(tx.trx, conversation.id, now, true);
        }
        tx.afterCommit(() =>
          deps.events.publish({
            accountId: actor.accountId,
            inboxId: conversation.inbox_id,
            name: 'message.created',
            data: { id: message.id, conversation_id: conversation.id, display_id: conversation.display_id },
          }),
        );
        return message;
      });
    },
  };
}

export type OutgoingMessagesService = ReturnType<typeof createOutgoingMessagesService>;
export const OutgoingMessageIdSchema = z.object({ messageId: z.number().int().positive() });
