import {
  classifyOutgoingMedia,
  FILE_TYPE_OF,
  KIND_NAMES,
  MAX_OUTGOING_MEDIA_BYTES,
  type OutgoingMediaKind,
} from '../channels/whatsapp/outgoing-media.js';
import type { FileType } from '../db/schema.js';
import { AppError } from '../shared/errors.js';
import type { MediaStorage } from '../shared/media-storage.js';

/** A file an agent attached, already checked against WhatsApp's rules and kept in storage. */
export interface ReceivedAttachment {
  kind: OutgoingMediaKind;
  fileType: FileType;
  mimeType: string;
  fileName: string;
  size: number;
  sha256: string;
  storageKey: string;
}

const decimal = new Intl.NumberFormat('pt-BR', { maximumFractionDigits: 1 });
const megabytes = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${decimal.format(bytes / (1024 * 1024))} MB` : `${Math.round(bytes / 1024)} KB`;

// A name goes into headers and WhatsApp's document label: no paths, no control characters.
const cleanFileName = (name: string) =>
  name
    .replace(/^.*[\\/]/, '')
    .replace(/\p{Cc}/gu, '')
    .trim()
    .slice(0, 200) || 'arquivo';

/**
 * Streams one uploaded file to storage, sniffs what it really is and checks it against WhatsApp's
 * accepted types (415) and size limits (413). A refused file leaves nothing behind.
 */
export async function receiveAttachment(
  storage: MediaStorage,
  accountId: number,
  file: { stream: AsyncIterable<Uint8Array>; fileName: string },
): Promise<ReceivedAttachment> {
  const fileName = cleanFileName(file.fileName);
  const staged = await storage.stage(accountId, file.stream, MAX_OUTGOING_MEDIA_BYTES);
  try {
    if (staged.exceeded) {
      throw new AppError(
        'payload_too_large',
        `O arquivo ${fileName} passa de ${megabytes(MAX_OUTGOING_MEDIA_BYTES)}, o maior tamanho que o WhatsApp aceita.`,
      );
    }
    if (staged.size === 0) {
      throw new AppError('unprocessable', `O arquivo ${fileName} está vazio.`, [
        { field: 'attachments[]', message: 'arquivo vazio' },
      ]);
    }
    const sniffed = await staged.sniff();
    const media = classifyOutgoingMedia(sniffed, fileName, await staged.head(4096));
    if (!media) {
      throw new AppError(
        'unsupported_media_type',
        `O WhatsApp não aceita arquivos como ${fileName}${sniffed ? ` (${sniffed.mime})` : ''}: envie imagem JPEG/PNG, áudio AAC/AMR/MP3/M4A/OGG (Opus), vídeo MP4/3GP, figurinha WebP ou documento PDF, Office ou texto.`,
      );
    }
    if (staged.size > media.maxBytes) {
      throw new AppError(
        'payload_too_large',
        `${KIND_NAMES[media.kind]} ${fileName} tem ${megabytes(staged.size)}; o WhatsApp aceita até ${megabytes(media.maxBytes)}.`,
      );
    }
    const storageKey = await staged.keep(media.extension);
    return {
      kind: media.kind,
      fileType: FILE_TYPE_OF[media.kind],
      mimeType: media.mime,
      fileName,
      size: staged.size,
      sha256: staged.sha256,
      storageKey,
    };
  } catch (error) {
    await staged.discard();
    throw error;
  }
}
