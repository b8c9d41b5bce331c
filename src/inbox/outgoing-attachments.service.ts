import { randomUUID } from 'node:crypto';
import { takesCaption } from '../channels/whatsapp/outgoing-media.js';
import type { Db } from '../db/client.js';
import type { Message } from '../db/schema.js';
import { inTransaction } from '../db/transaction.js';
import type { JobSystem } from '../jobs/job-system.js';
import type { EventBus } from '../realtime/event-bus.js';
import type { Clock } from '../shared/clock.js';
import { AppError, notFound } from '../shared/errors.js';
import type { ReceivedAttachment } from './attachment-intake.js';
import { conversationsRepo } from './conversations.repo.js';
import { messagesRepo } from './messages.repo.js';
import { WINDOW_CLOSED_MESSAGE } from './outgoing-messages.service.js';
import { replyWindow } from './window.js';

const CAPTION_LIMIT = 1024;
const TEXT_LIMIT = 4096;

export interface AttachmentsInput {
  content: string | null;
  private: boolean;
  /** Our id of the message being answered (quoted on WhatsApp, by the first message). */
  inReplyToId: number | null;
}

/** One WhatsApp message: a file (with its caption) or the text that no file could carry. */
type Part = { file: ReceivedAttachment; caption: string | null } | { file: null; text: string };

/**
 * WhatsApp carries one file per message, so N files become N messages, sent in order and linked by
 * `content_attributes.media_group`. The text becomes the caption of the first image, video or
 * document; with only audio or stickers (which take no caption) it follows as a message of its own.
 */
export function planParts(files: ReceivedAttachment[], content: string | null): Part[] {
  const parts: Part[] = files.map((file) => ({ file, caption: null }));
  if (!content) return parts;
  const captioned = parts.findIndex((part) => part.file !== null && takesCaption(part.file.kind));
  const target = parts[captioned];
  if (target?.file) {
    if (content.length > CAPTION_LIMIT) {
      throw new AppError('unprocessable', `A legenda passa de ${CAPTION_LIMIT} caracteres, o limite do WhatsApp.`, [
        { field: 'content', message: `no máximo ${CAPTION_LIMIT} caracteres com anexo` },
      ]);
    }
    parts[captioned] = { file: target.file, caption: content };
    return parts;
  }
  if (content.length > TEXT_LIMIT) {
    throw new AppError('unprocessable', `A mensagem passa de ${TEXT_LIMIT} caracteres, o limite do WhatsApp.`, [
      { field: 'content', message: `no máximo ${TEXT_LIMIT} caracteres` },
    ]);
  }
  return [...parts, { file: null, text: content }];
}

/** Agent replies with files: committed with their attachments and the first send job in one transaction. */
export function createOutgoingAttachmentsService(deps: { db: Db; jobs: JobSystem; events: EventBus; clock: Clock }) {
  return {
    async send(
      actor: { accountId: number; userId: number },
      conversationId: number,
      input: AttachmentsInput,
      files: ReceivedAttachment[],
    ): Promise<Message[]> {
      const content = input.content?.trim() || null;
      // A private note keeps every file on one message: nothing goes to WhatsApp.
      const parts: Part[] = input.private ? [{ file: null, text: content ?? '' }] : planParts(files, content);
      const now = deps.clock.now();
      return inTransaction(deps.db, async (tx) => {
        const conversation = await conversationsRepo.find(tx.trx, actor.accountId, conversationId);
        if (!conversation) throw notFound('Conversa');
        if (!input.private && !replyWindow(conversation.last_incoming_at, now).canReply) {
          throw new AppError('window_closed', WINDOW_CLOSED_MESSAGE);
        }
        let replyTo: string | null = null;
        if (input.inReplyToId) {
          const quoted = await messagesRepo.findInConversation(tx.trx, conversation.id, input.inReplyToId);
          if (!quoted)
            throw new AppError('unprocessable', 'A mensagem respondida não está nesta conversa.', [
              { field: 'content_attributes.in_reply_to', message: 'não encontrada' },
            ]);
          replyTo = quoted.source_id;
        }
        const group = randomUUID();
        const messages: Message[] = [];
        for (const [index, part] of parts.entries()) {
          const first = index === 0;
          const message = await messagesRepo.insert(tx.trx, {
            accountId: actor.accountId,
            inboxId: conversation.inbox_id,
            conversationId: conversation.id,
            messageType: 1,
            contentType: 'text',
            content: part.file ? part.caption : part.text || null,
            contentAttributes: {
              ...(parts.length > 1 ? { media_group: { id: group, index, size: parts.length } } : {}),
              ...(first && input.inReplyToId ? { in_reply_to: input.inReplyToId } : {}),
            },
            private: input.private,
            status: input.private ? 'sent' : 'queued',
            sourceId: null,
            senderType: 'user',
            senderId: actor.userId,
            inReplyToSourceId: first ? replyTo : null,
            sentAt: now,
          });
          if (!message) throw new Error('Outgoing message not stored');
          const attached = input.private ? files : part.file ? [part.file] : [];
          await messagesRepo.insertOutgoingAttachments(
            tx.trx,
            attached.map((file) => ({ accountId: actor.accountId, messageId: message.id, ...file })),
          );
          messages.push(message);
        }
        const [first] = messages;
        if (!first) throw new Error('No message planned');
        if (!input.private) {
          // The rest of the group is sent by the send job, one after the other, to keep their order.
          await deps.jobs.enqueue(
            'whatsapp.send_message',
            { messageId: first.id },
            { tx, key: `send:${first.id}`, accountId: actor.accountId },
          );
          await conversationsRepo.recordOutgoing(tx.trx, conversation.id, now, true);
        }
        tx.afterCommit(() => {
          for (const message of messages) {
            deps.events.publish({
              accountId: actor.accountId,
              inboxId: conversation.inbox_id,
              name: 'message.created',
              data: { id: message.id, conversation_id: conversation.id, display_id: conversation.display_id },
            });
          }
        });
        return messages;
      });
    },
  };
}

export type OutgoingAttachmentsService = ReturnType<typeof createOutgoingAttachmentsService>;
