import type { Attachment, Message } from '../inbox.api';
import type { InboxMessageKey } from '../inbox.messages';

/** The module's translator (useModuleMessages(inboxMessages)), passed to pure helpers. */
export type InboxT = (key: InboxMessageKey, vars?: Record<string, string | number>) => string;

type Raw = Record<string, unknown>;

export const asRecord = (value: unknown): Raw =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Raw) : {};
export const asText = (value: unknown): string | null =>
  typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : null;
export const asList = (value: unknown): Raw[] => (Array.isArray(value) ? value.map(asRecord) : []);

export const attributesOf = (message: Pick<Message, 'content_attributes'>): Raw => asRecord(message.content_attributes);

export const isDeleted = (message: Message) => attributesOf(message).deleted === true;
export const isActivity = (message: Message) => message.message_type === 2;
export const isOutgoing = (message: Message) => message.message_type === 1 || message.message_type === 3;

/** What kind of media a message carries, from its attachments (stickers are images flagged `sticker`). */
export function mediaKind(attachment: Attachment): 'image' | 'sticker' | 'audio' | 'video' | 'file' {
  if (attachment.sticker) return 'sticker';
  if (attachment.file_type === 'image') return 'image';
  if (attachment.file_type === 'audio') return 'audio';
  if (attachment.file_type === 'video') return 'video';
  return 'file';
}

/** A short line for the conversation list: the text, or what kind of message it was. Private notes never. */
export function previewOf(message: Message | null, t: InboxT): string {
  if (!message || message.private) return t('preview.none');
  if (isDeleted(message)) return t('preview.deleted');
  const attributes = attributesOf(message);
  const text = message.content?.trim() ?? '';
  const attachment = message.attachments[0];
  if (attachment) {
    const kind = mediaKind(attachment);
    const label =
      kind === 'audio' && attributes.voice === true ? t('preview.voice') : t(`preview.${kind}` as InboxMessageKey);
    return text ? `${label}: ${text}` : label;
  }
  switch (message.content_type) {
    case 'location':
      return text ? `${t('preview.location')}: ${text}` : t('preview.location');
    case 'contacts':
      return text ? `${t('preview.contacts')}: ${text}` : t('preview.contacts');
    case 'order':
      return t('preview.order');
    case 'unsupported':
      return t('preview.unsupported');
    default:
      break;
  }
  if (text) return text;
  if (attributes.template) return t('preview.template');
  return t('preview.none');
}

export type TickState = 'sending' | 'sent' | 'delivered' | 'read' | 'failed';

/** The delivery state of an outgoing message, from Santana's exact WhatsApp status. */
export function tickStateOf(message: Message): TickState {
  switch (message.whatsapp_status) {
    case 'queued':
      return 'sending';
    case 'delivered':
      return 'delivered';
    case 'read':
    case 'played':
      return 'read';
    case 'failed':
      return 'failed';
    default:
      return message.status === 'progress' ? 'sending' : 'sent';
  }
}

/** Whether sending the same text again can help (not for templates, media, or a closed window). */
export function canRetry(message: Message): boolean {
  if (message.whatsapp_status !== 'failed' || message.private || message.message_type !== 1) return false;
  if (message.attachments.length > 0 || message.content_type !== 'text' || !message.content) return false;
  return message.error?.code !== '131047';
}

/** The message this one answers, among the loaded ones (by id, or by WhatsApp id for incoming replies). */
export function findQuoted(message: Message, loaded: ReadonlyMap<string, Message>): Message | null | undefined {
  const attributes = attributesOf(message);
  const byId = typeof attributes.in_reply_to === 'number' ? loaded.get(`id:${attributes.in_reply_to}`) : undefined;
  if (byId) return byId;
  const external = asText(attributes.in_reply_to_external_id);
  if (external) return loaded.get(`wamid:${external}`) ?? null;
  // undefined: not a reply at all; null: a reply to something not loaded.
  return typeof attributes.in_reply_to === 'number' ? null : undefined;
}

/** Index for findQuoted. */
export function indexMessages(messages: readonly Message[]): Map<string, Message> {
  const index = new Map<string, Message>();
  for (const message of messages) {
    index.set(`id:${message.id}`, message);
    if (message.source_id) index.set(`wamid:${message.source_id}`, message);
  }
  return index;
}

export function formatFileSize(bytes: number | null): string | null {
  if (bytes === null || bytes === undefined) return null;
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1).replace('.', ',')} MB`;
}
