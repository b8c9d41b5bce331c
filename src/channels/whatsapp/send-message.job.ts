import { sql } from 'kysely';
import type { z } from 'zod';
import type { Db } from '../../db/client.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { Attachment, Inbox, Message } from '../../db/schema.js';
import { inTransaction, type TxContext } from '../../db/transaction.js';
import type { InboxesRepo } from '../../inbox/inboxes.repo.js';
import { messagesRepo } from '../../inbox/messages.repo.js';
import { OutgoingMessageIdSchema } from '../../inbox/outgoing-messages.service.js';
import { defineJob, type JobContext, type JobOutcome, RetryLaterError } from '../../jobs/job-definition.js';
import type { JobSystem } from '../../jobs/job-system.js';
import type { RateLimiter } from '../../jobs/rate-limiter.js';
import type { MessageOutcomes } from '../../notify/message-outcomes.js';
import type { EventBus } from '../../realtime/event-bus.js';
import type { MediaStorage } from '../../shared/media-storage.js';
import { explainWhatsAppError, isPermanentWhatsAppError } from './error-reasons.js';
import { GraphApiError, type GraphClient, type GraphTarget } from './graph-client.js';
import { buildSendPayload, SendResponseSchema } from './outbound-payload.js';
import { KIND_OF_FILE_TYPE } from './outgoing-media.js';
import type { WhatsAppTargets } from './whatsapp-target.js';

/** Meta's default throughput per business number. */
export const SENDS_PER_SECOND = 80;

class MissingMediaError extends Error {}

interface LoadedMessage {
  message: Message;
  /** The person's WhatsApp address (their contact inbox's source id). */
  sourceId: string;
  inbox: Inbox;
  attachment: Attachment | undefined;
}

/**
 * Sends one queued outgoing message through the Cloud API, under the per-number rate limit.
 * Temporary failures retry with backoff (the row stays `queued`); permanent ones mark it `failed` with
 * Meta's code and a reason in Portuguese. A message that is no longer `queued` is never sent again.
 * A file is uploaded to Meta first; its media id is kept, so a retry sends without uploading again.
 * Messages of one media group go out one after the other: each, once settled, queues the next.
 */
export function createSendMessageJob(deps: {
  db: Db;
  inboxes: InboxesRepo;
  graph: GraphClient;
  targets: WhatsAppTargets;
  rateLimiter: RateLimiter;
  events: EventBus;
  storage: MediaStorage;
  jobs: JobSystem;
  /** Notifications and business events that follow a message's status. */
  outcomes?: MessageOutcomes;
}) {
  const publish = (message: Pick<Message, 'id' | 'account_id' | 'inbox_id' | 'conversation_id' | 'status'>) =>
    deps.events.publish({
      accountId: message.account_id,
      inboxId: message.inbox_id,
      name: 'message.updated',
      data: { id: message.id, conversation_id: message.conversation_id, status: message.status },
    });

  async function queueNextInGroup(tx: TxContext, message: Message) {
    const next = await messagesRepo.findNextInGroup(tx.trx, message);
    if (next?.status !== 'queued') return;
    await deps.jobs.enqueue(
      'whatsapp.send_message',
      { messageId: next.id },
      { tx, key: `send:${next.id}`, accountId: next.account_id },
    );
  }

  async function fail(message: Message, code: string | null, title: string | null, details: string | null) {
    const reason = explainWhatsAppError(code, title ?? details);
    await inTransaction(deps.db, async (tx) => {
      const failed = await tx.trx
        .updateTable('messages')
        .set({
          status: 'failed',
          status_at: sql`now()`,
          error_code: code,
          error_title: title,
          error_details: details,
          content_attributes: JSON.stringify({ ...(message.content_attributes as object), external_error: reason }),
          updated_at: sql`now()`,
        })
        .where('id', '=', message.id)
        .where('status', '=', 'queued')
        .returningAll()
        .executeTakeFirst();
      if (!failed) return;
      await deps.outcomes?.onStatus(tx, failed);
      await queueNextInGroup(tx, message);
      tx.afterCommit(() => publish(failed));
    });
  }

  /** The media id to send: uploaded now, or the one a previous attempt already got from Meta. */
  async function mediaFor(target: GraphTarget, phoneNumberId: string, attachment: Attachment) {
    const kind = KIND_OF_FILE_TYPE[attachment.file_type];
    const fileName = attachment.file_name ?? `anexo-${attachment.id}`;
    if (attachment.external_media_id) return { type: kind, id: attachment.external_media_id, fileName };
    const mimeType = attachment.mime_type ?? 'application/octet-stream';
    const blob = attachment.storage_key ? await deps.storage.blob(attachment.storage_key, mimeType) : null;
    if (!blob) throw new MissingMediaError('O arquivo do anexo não está mais no armazenamento.');
    const id = await deps.graph.uploadMedia(target, phoneNumberId, { blob, mimeType, fileName });
    await deps.db
      .updateTable('attachments')
      .set({ external_media_id: id, updated_at: sql`now()` })
      .where('id', '=', attachment.id)
      .execute();
    return { type: kind, id, fileName };
  }

  /** Records the wamid; statuses that raced ahead of the response (delivered first) are applied after. */
  async function recordSent(message: Message, wamid: string) {
    await inTransaction(deps.db, async (tx) => {
      const sent = await tx.trx
        .with('sent', (db) =>
          db
            .updateTable('messages')
            .set({ status: 'sent', status_at: sql`now()`, source_id: wamid, updated_at: sql`now()` })
            .where('id', '=', message.id)
            .where('status', '=', 'queued')
            .returningAll(),
        )
        .selectFrom('sent')
        .selectAll()
        // Checked in the same statement: a status seldom arrives first, so the delete is usually skipped.
        .select((eb) =>
          eb
            .exists(
              eb
                .selectFrom('pending_statuses')
                .select('pending_statuses.id')
                .where('pending_statuses.inbox_id', '=', message.inbox_id)
                .where('pending_statuses.source_id', '=', wamid),
            )
            .as('has_pending'),
        )
        .executeTakeFirst();
      if (!sent) return;
      const { has_pending: hasPending, ...stored } = sent;
      let latest: Message = stored;
      if (hasPending) {
        for (const change of await messagesRepo.takePendingStatuses(tx.trx, message.inbox_id, wamid)) {
          latest = (await messagesRepo.advanceStatus(tx.trx, message.inbox_id, wamid, change)) ?? latest;
        }
      }
      await deps.outcomes?.onStatus(tx, latest);
      await queueNextInGroup(tx, message);
      tx.afterCommit(() => publish(latest));
    });
  }

  /** Sends a queued message whose conversation address and inbox are known; the row records the outcome. */
  async function send(
    { message, sourceId, inbox, attachment }: LoadedMessage,
    context: JobContext,
  ): Promise<JobOutcome> {
    if (inbox.reauthorization_required_at) {
      await fail(message, '190', 'Reconexão necessária', inbox.reauthorization_reason);
      return 'done';
    }
    const target = deps.targets.targetFor(inbox);
    if (!target) {
      await fail(message, null, 'Caixa de entrada sem credenciais do WhatsApp', null);
      return 'done';
    }

    let response: z.infer<typeof SendResponseSchema>;
    try {
      const media = attachment ? await mediaFor(target, target.phoneNumberId, attachment) : undefined;
      await deps.rateLimiter.acquire(`whatsapp:${target.phoneNumberId}`, SENDS_PER_SECOND, context.signal);
      response = await deps.graph.call(
        target,
        'POST',
        `${encodeURIComponent(target.phoneNumberId)}/messages`,
        SendResponseSchema,
        buildSendPayload(message, sourceId, media),
      );
    } catch (error) {
      if (error instanceof MissingMediaError) {
        await fail(message, null, 'Mídia indisponível', error.message);
        return 'done';
      }
      if (!(error instanceof GraphApiError)) throw error;
      const { code, title, errorDetails, retryable, retryAfterMs } = error.details;
      if (code === '190') await deps.inboxes.markReauthorizationRequired(inbox.id, error.message);
      const lastAttempt = context.attempt >= context.maxAttempts;
      if (retryable && !isPermanentWhatsAppError(code) && !lastAttempt) {
        if (retryAfterMs) throw new RetryLaterError(error.message, retryAfterMs);
        throw error;
      }
      await fail(
        message,
        code ?? (error.details.httpStatus === null ? 'network' : null),
        title ?? error.message,
        errorDetails,
      );
      return 'done';
    }

    const wamid = response.messages[0]?.id ?? '';
    try {
      await recordSent(message, wamid);
    } catch (error) {
      // The wamid is already known (an echo arrived first): the message went out; record it as sent.
      if (!isUniqueViolation(error)) throw error;
      await inTransaction(deps.db, async (tx) => {
        await tx.trx
          .updateTable('messages')
          .set({ status: 'sent', updated_at: sql`now()` })
          .where('id', '=', message.id)
          .execute();
        await queueNextInGroup(tx, message);
      });
    }
    return 'done';
  }

  const definition = defineJob({
    name: 'whatsapp.send_message',
    queue: 'whatsapp',
    schema: OutgoingMessageIdSchema,
    maxAttempts: 8,
    // Room for uploading a large document before the send.
    timeoutMs: 180_000,
    backoff: { baseMs: 1_000, maxMs: 10 * 60 * 1000 },
    async handler({ messageId }, context) {
      const message = await deps.db.selectFrom('messages').selectAll().where('id', '=', messageId).executeTakeFirst();
      if (message?.status !== 'queued' || message.private) return 'skipped';
      if (message.deleted_at) {
        // Deleted before it went out: never send it, but let the rest of its group go.
        await inTransaction(deps.db, (tx) => queueNextInGroup(tx, message));
        return 'skipped';
      }
      const conversation = await deps.db
        .selectFrom('conversations')
        .innerJoin('contact_inboxes', 'contact_inboxes.id', 'conversations.contact_inbox_id')
        .select(['contact_inboxes.source_id'])
        .where('conversations.id', '=', message.conversation_id)
        .executeTakeFirstOrThrow();
      const inbox = await deps.inboxes.findById(message.inbox_id);
      if (!inbox) return 'skipped';
      const attachment = await deps.db
        .selectFrom('attachments')
        .selectAll()
        .where('message_id', '=', message.id)
        .orderBy('id')
        .executeTakeFirst();
      return send({ message, sourceId: conversation.source_id, inbox, attachment }, context);
    },
  });

  return {
    ...definition,
    /**
     * Sends a message its creator just queued, in the creator's job (see `JobSystem.runClaimed`): it
     * already holds the row and the address, so only the inbox is read. Text only (no attachment).
     */
    async sendQueued(loaded: { message: Message; sourceId: string }, context: JobContext): Promise<JobOutcome> {
      const inbox = await deps.inboxes.findById(loaded.message.inbox_id);
      if (!inbox) return 'skipped';
      return send({ ...loaded, inbox, attachment: undefined }, context);
    },
  };
}
