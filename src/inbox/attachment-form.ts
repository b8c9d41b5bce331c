import type { Multipart } from '@fastify/multipart';
import { MAX_OUTGOING_MEDIA_BYTES } from '../channels/whatsapp/outgoing-media.js';
import { AppError } from '../shared/errors.js';
import type { MediaStorage } from '../shared/media-storage.js';
import { type ReceivedAttachment, receiveAttachment } from './attachment-intake.js';

export const MAX_FILES_PER_MESSAGE = 10;

/** Busboy's limits for a message form: the largest file WhatsApp takes (+1 byte, so we notice). */
export const MESSAGE_FORM_LIMITS = {
  files: MAX_FILES_PER_MESSAGE,
  fileSize: MAX_OUTGOING_MEDIA_BYTES + 1,
  fields: 20,
  fieldSize: 64 * 1024,
  parts: 40,
};

// Chatwoot's dashboard sends `attachments[]`; some clients drop the brackets.
const FILE_FIELDS = new Set(['attachments[]', 'attachments']);
const JSON_FIELDS = new Set(['content_attributes', 'template_params']);

const LIMIT_ERRORS: Record<string, string> = {
  FST_FILES_LIMIT: `No máximo ${MAX_FILES_PER_MESSAGE} arquivos por mensagem.`,
  FST_PARTS_LIMIT: 'O formulário tem partes demais.',
  FST_FIELDS_LIMIT: 'O formulário tem campos demais.',
  FST_REQ_FILE_TOO_LARGE: 'Um dos arquivos passa do tamanho que o WhatsApp aceita.',
};

/** Form fields are text: booleans and JSON objects become what the JSON body would carry. */
function fieldValue(name: string, value: string): unknown {
  if (name === 'private')
    return value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;
  if (name === 'campaign_id') return Number(value);
  if (!JSON_FIELDS.has(name)) return value;
  try {
    return JSON.parse(value);
  } catch {
    throw new AppError('validation_failed', `Dados inválidos: ${name}.`, [{ field: name, message: 'JSON inválido' }]);
  }
}

/**
 * Reads a multipart message (Chatwoot's form: content, private, content_attributes…, files in
 * `attachments[]`), streaming each file to storage as it arrives. On any failure the files already
 * kept are removed before the error goes up.
 */
export async function readMessageForm(
  parts: AsyncIterable<Multipart>,
  storage: MediaStorage,
  accountId: number,
): Promise<{ fields: Record<string, unknown>; files: ReceivedAttachment[] }> {
  const fields: Record<string, unknown> = {};
  const files: ReceivedAttachment[] = [];
  try {
    for await (const part of parts) {
      if (part.type === 'field') {
        fields[part.fieldname] = fieldValue(part.fieldname, String(part.value));
        continue;
      }
      if (!FILE_FIELDS.has(part.fieldname)) {
        part.file.resume();
        throw new AppError('validation_failed', `Dados inválidos: ${part.fieldname}.`, [
          { field: part.fieldname, message: 'envie os arquivos em attachments[]' },
        ]);
      }
      files.push(await receiveAttachment(storage, accountId, { stream: part.file, fileName: part.filename }));
    }
    return { fields, files };
  } catch (error) {
    await discardAttachments(storage, files);
    const code = (error as { code?: string }).code;
    const limit = code ? LIMIT_ERRORS[code] : undefined;
    if (limit) throw new AppError('payload_too_large', limit);
    throw error;
  }
}

export async function discardAttachments(storage: MediaStorage, files: ReceivedAttachment[]) {
  await Promise.all(files.map((file) => storage.remove(file.storageKey).catch(() => undefined)));
}
