import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { accountOf } from '../../http/request-context.js';
import { AccountParamsSchema } from '../../http/schemas.js';
import { AppError, notFound } from '../../shared/errors.js';
import type { MediaStorage } from '../../shared/media-storage.js';

/**
 * Media of a message, only to signed-in members of its account. Served as a download with the type we
 * sniffed (never as HTML the browser would run).
 */
export async function attachmentsRoutes(app: FastifyInstance, deps: { db: Db; storage: MediaStorage }) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/:attachment_id',
    {
      schema: {
        tags: ['Mensagens (compatível com Chatwoot)'],
        summary: 'Baixar a mídia de uma mensagem',
        description:
          'Responde o arquivo; 404 se não existe nesta conta, 409 enquanto a mídia não foi baixada ou se ficou indisponível.',
        params: AccountParamsSchema.extend({ attachment_id: z.coerce.number().int().positive() }),
      },
    },
    async (request, reply) => {
      const attachment = await deps.db
        .selectFrom('attachments')
        .selectAll()
        .where('account_id', '=', accountOf(request).id)
        .where('id', '=', request.params.attachment_id)
        .executeTakeFirst();
      if (!attachment) throw notFound('Anexo');
      if (attachment.status !== 'ready' || !attachment.storage_key) {
        throw new AppError(
          'conflict',
          attachment.error ? `Mídia indisponível: ${attachment.error}` : 'A mídia ainda está sendo baixada.',
        );
      }
      const file = await deps.storage.open(attachment.storage_key);
      if (!file) throw new AppError('not_found', 'Mídia indisponível: o arquivo não está mais no armazenamento.');
      const inline = /^(image|audio|video)\//.test(attachment.mime_type ?? '');
      const name = attachment.file_name ?? `anexo-${attachment.id}`;
      return reply
        .header('content-type', attachment.mime_type ?? 'application/octet-stream')
        .header('content-length', String(file.size))
        .header(
          'content-disposition',
          `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(name)}`,
        )
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, max-age=3600')
        .send(file.stream);
    },
  );
}
