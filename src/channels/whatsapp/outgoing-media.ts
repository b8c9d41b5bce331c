import type { FileType } from '../../db/schema.js';

/** The Cloud API message types that carry media. */
export type OutgoingMediaKind = 'image' | 'audio' | 'video' | 'document' | 'sticker';

export interface OutgoingMedia {
  kind: OutgoingMediaKind;
  /** The MIME type sent to Meta (one of those it accepts). */
  mime: string;
  extension: string;
  /** Meta's size limit for this kind, in bytes. */
  maxBytes: number;
}

const MB = 1024 * 1024;

/** What Meta accepts for each kind, and how large (Cloud API "Supported media types"). */
export const OUTGOING_MEDIA_LIMITS: Record<OutgoingMediaKind, number> = {
  image: 5 * MB,
  audio: 16 * MB,
  video: 16 * MB,
  document: 100 * MB,
  sticker: 500 * 1024,
};
export const MAX_OUTGOING_MEDIA_BYTES = Math.max(...Object.values(OUTGOING_MEDIA_LIMITS));

/** Sniffed MIME → what we send. Aliases (x-m4a, ogg with its codec) collapse to the type Meta names. */
const ACCEPTED: Record<string, { kind: OutgoingMediaKind; mime: string; extension: string }> = {
  'image/jpeg': { kind: 'image', mime: 'image/jpeg', extension: 'jpg' },
  'image/png': { kind: 'image', mime: 'image/png', extension: 'png' },
  'image/webp': { kind: 'sticker', mime: 'image/webp', extension: 'webp' },
  'audio/aac': { kind: 'audio', mime: 'audio/aac', extension: 'aac' },
  'audio/amr': { kind: 'audio', mime: 'audio/amr', extension: 'amr' },
  'audio/mpeg': { kind: 'audio', mime: 'audio/mpeg', extension: 'mp3' },
  'audio/mp4': { kind: 'audio', mime: 'audio/mp4', extension: 'm4a' },
  'audio/x-m4a': { kind: 'audio', mime: 'audio/mp4', extension: 'm4a' },
  // Only Ogg with the OPUS codec: WhatsApp's voice notes. Ogg Vorbis is refused by Meta.
  'audio/ogg; codecs=opus': { kind: 'audio', mime: 'audio/ogg', extension: 'ogg' },
  'video/mp4': { kind: 'video', mime: 'video/mp4', extension: 'mp4' },
  'video/3gpp': { kind: 'video', mime: 'video/3gpp', extension: '3gp' },
  'application/pdf': { kind: 'document', mime: 'application/pdf', extension: 'pdf' },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': {
    kind: 'document',
    mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    extension: 'docx',
  },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': {
    kind: 'document',
    mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    extension: 'xlsx',
  },
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': {
    kind: 'document',
    mime: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    extension: 'pptx',
  },
};

// Old Office files are all "Compound File Binary" to a sniffer; the name tells Word from Excel.
const COMPOUND_FILE: Record<string, { mime: string; extension: string }> = {
  doc: { mime: 'application/msword', extension: 'doc' },
  xls: { mime: 'application/vnd.ms-excel', extension: 'xls' },
  ppt: { mime: 'application/vnd.ms-powerpoint', extension: 'ppt' },
};

const extensionOf = (fileName: string) => /\.([a-z0-9]{1,8})$/i.exec(fileName)?.[1]?.toLowerCase() ?? '';

/** Text has no magic number: accept UTF-8 without control bytes other than whitespace. */
export function looksLikePlainText(head: Buffer): boolean {
  if (head.length === 0) return false;
  // A multi-byte character cut at the end of the sample is fine; anything else invalid is not text.
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head);
  const body = text.endsWith('\uFFFD') ? text.replace(/\uFFFD+$/, '') : text;
  return !body.includes('\uFFFD') && !/[^\P{Cc}\t\n\r\f]/u.test(body);
}

/**
 * Decides how a file goes to WhatsApp from what its bytes are (never from the name or the sender's
 * Content-Type, except to tell apart formats that share one signature). Null: Meta does not accept it.
 */
export function classifyOutgoingMedia(
  sniffed: { mime: string; ext: string } | undefined,
  fileName: string,
  head: Buffer,
): OutgoingMedia | null {
  const withLimit = (found: { kind: OutgoingMediaKind; mime: string; extension: string }) => ({
    ...found,
    maxBytes: OUTGOING_MEDIA_LIMITS[found.kind],
  });
  if (!sniffed) {
    return looksLikePlainText(head) ? withLimit({ kind: 'document', mime: 'text/plain', extension: 'txt' }) : null;
  }
  if (sniffed.mime === 'application/x-cfb') {
    const office = COMPOUND_FILE[extensionOf(fileName)];
    return office ? withLimit({ kind: 'document', ...office }) : null;
  }
  const accepted = ACCEPTED[sniffed.mime];
  return accepted ? withLimit(accepted) : null;
}

/** Our attachment column for each kind (Chatwoot's file_type: documents are `file`). */
export const FILE_TYPE_OF: Record<OutgoingMediaKind, FileType> = {
  image: 'image',
  audio: 'audio',
  video: 'video',
  document: 'file',
  sticker: 'sticker',
};

export const KIND_OF_FILE_TYPE: Record<FileType, OutgoingMediaKind> = {
  image: 'image',
  audio: 'audio',
  video: 'video',
  file: 'document',
  sticker: 'sticker',
};

/** WhatsApp shows a caption under images, videos and documents only. */
export const takesCaption = (kind: OutgoingMediaKind) => kind === 'image' || kind === 'video' || kind === 'document';

export const KIND_NAMES: Record<OutgoingMediaKind, string> = {
  image: 'A imagem',
  audio: 'O áudio',
  video: 'O vídeo',
  document: 'O documento',
  sticker: 'A figurinha',
};
