import { fileTypeFromBuffer } from 'file-type';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import type { FileType } from '../../db/schema.js';
import { defineJob, PermanentJobError } from '../../jobs/job-definition.js';
import type { EventBus } from '../../realtime/event-bus.js';
import type { MediaStorage } from '../../shared/media-storage.js';
import { GraphApiError, type GraphClient } from './graph-client.js';
import type { WhatsAppTargets } from './whatsapp-target.js';

/** WhatsApp's own limits per media type (bytes). */
export const MEDIA_LIMITS: Record<FileType, number> = {
  image: 5 * 1024 * 1024,
  audio: 16 * 1024 * 1024,
  video: 16 * 1024 * 1024,
  sticker: 1024 * 1024,
  file: 100 * 1024 * 1024,
};

const extensionOf = (mime: string | null) => {
  const subtype = mime?.split('/')[1]?.split(';')[0]?.trim() ?? '';
  return /^[a-z0-9.+-]{1,12}$/.test(subtype) ? subtype.replace(/^x-/, '').replace('+xml', '') : 'bin';
};

/**
 * Downloads an incoming message's media through the Graph API (id → temporary URL → bytes with the
 * bearer token), sniffs its real type, and stores it. The message stays visible meanwhile; after the
 * last failed attempt the attachment is marked failed with the reason ("mídia indisponível").
 */
export function createDownloadMediaJob(deps: {
  db: Db;
  graph: GraphClient;
  targets: WhatsAppTargets;
  storage: MediaStorage;
  events: EventBus;
}) {
  const markFailure = async (attachmentId: number, reason: string, final: boolean) => {
    await deps.db
      .updateTable('attachments')
      .set({ error: reason.slice(0, 500), status: final ? 'failed' : 'pending', updated_at: sql`now()` })
      .where('id', '=', attachmentId)
      .execute();
  };

  return defineJob({
    name: 'whatsapp.download_media',
    queue: 'media',
    schema: z.object({ attachmentId: z.number().int().positive() }),
    maxAttempts: 8,
    timeoutMs: 120_000,
    backoff: { baseMs: 5_000, maxMs: 30 * 60 * 1000 },
    async handler({ attachmentId }, context) {
      const attachment = await deps.db
        .selectFrom('attachments')
        .innerJoin('messages', 'messages.id', 'attachments.message_id')
        .selectAll('attachments')
        .select(['messages.conversation_id', 'messages.inbox_id'])
        .where('attachments.id', '=', attachmentId)
        .executeTakeFirst();
      if (!attachment || attachment.status === 'ready' || !attachment.external_media_id) return 'skipped';
      const inbox = await deps.db
        .selectFrom('inboxes')
        .selectAll()
        .where('id', '=', attachment.inbox_id)
        .executeTakeFirstOrThrow();
      const target = deps.targets.targetFor(inbox);
      const final = context.attempt >= context.maxAttempts;
      try {
        if (!target) throw new PermanentJobError('A caixa de entrada não tem credenciais do WhatsApp');
        const info = await deps.graph.mediaInfo(target, attachment.external_media_id);
        const limit = MEDIA_LIMITS[attachment.file_type];
        if (info.file_size !== undefined && info.file_size > limit) {
          throw new PermanentJobError(`Arquivo grande demais (${info.file_size} bytes; limite ${limit})`);
        }
        const bytes = await deps.graph.downloadMedia(target, info.url, limit);
        const sniffed = await fileTypeFromBuffer(bytes);
        const mime = sniffed?.mime ?? info.mime_type ?? attachment.mime_type ?? 'application/octet-stream';
        const key = await deps.storage.put(attachment.account_id, bytes, sniffed?.ext ?? extensionOf(mime));
        await deps.db
          .updateTable('attachments')
          .set({
            status: 'ready',
            storage_key: key,
            mime_type: mime,
            file_size: bytes.length,
            error: null,
            updated_at: sql`now()`,
          })
          .where('id', '=', attachmentId)
          .execute();
        deps.events.publish({
          accountId: attachment.account_id,
          inboxId: attachment.inbox_id,
          name: 'message.updated',
          data: { id: attachment.message_id, conversation_id: attachment.conversation_id },
        });
        return 'done';
      } catch (error) {
        const permanent =
          error instanceof PermanentJobError || (error instanceof GraphApiError && !error.details.retryable);
        const reason = error instanceof Error ? error.message : String(error);
        await markFailure(attachmentId, reason, final || permanent);
        if (permanent) {
          deps.events.publish({
            accountId: attachment.account_id,
            inboxId: attachment.inbox_id,
            name: 'message.updated',
            data: { id: attachment.message_id, conversation_id: attachment.conversation_id },
          });
          throw error instanceof PermanentJobError ? error : new PermanentJobError(reason);
        }
        throw error;
      }
    },
  });
}
