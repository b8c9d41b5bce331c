import type { FileType } from '../../db/schema.js';

/** A message read from a webhook, in our terms; `raw` keeps what WhatsApp sent. */
export interface ParsedMessage {
  wamid: string;
  from: string | null;
  fromUserId: string | null;
  timestamp: Date | null;
  /** WhatsApp's type, inferred when older payloads omit it. */
  type: string;
  contentType: string;
  content: string | null;
  contentAttributes: Record<string, unknown>;
  attachments: ParsedAttachment[];
  replyToWamid: string | null;
  raw: Record<string, unknown>;
}

export interface ParsedAttachment {
  fileType: FileType;
  mediaId: string | null;
  mimeType: string | null;
  sha256: string | null;
  fileName: string | null;
}

type Raw = Record<string, unknown>;

const asRecord = (value: unknown): Raw =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Raw) : {};
const asString = (value: unknown): string | null =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null;

export const UNSUPPORTED_TEXT = 'mensagem não suportada';

/** Seconds since the epoch as WhatsApp sends them ("1697043223"); null for placeholders. */
export function parseTimestamp(value: unknown): Date | null {
  const seconds = Number(value);
  // Finite is not enough: 1e308 seconds is past the last Date JavaScript can hold (an Invalid Date).
  const date = Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : null;
  return date && !Number.isNaN(date.getTime()) ? date : null;
}

const MEDIA_TYPES: Record<string, FileType> = {
  image: 'image',
  audio: 'audio',
  video: 'video',
  document: 'file',
  sticker: 'sticker',
};

// Older documentation payloads omit `type`; the key that holds the content tells it.
const INFERABLE = [
  'text',
  'image',
  'audio',
  'video',
  'document',
  'sticker',
  'location',
  'contacts',
  'interactive',
  'button',
  'reaction',
  'order',
  'system',
  'revoke',
  'edit',
];

export function messageType(raw: Raw): string {
  const declared = asString(raw.type);
  if (declared) return declared;
  return INFERABLE.find((key) => key in raw) ?? 'unknown';
}

function parseMedia(type: string, raw: Raw) {
  const media = asRecord(raw[type]);
  const attachment: ParsedAttachment = {
    fileType: MEDIA_TYPES[type] ?? 'file',
    mediaId: asString(media.id),
    mimeType: asString(media.mime_type),
    sha256: asString(media.sha256),
    fileName: asString(media.filename),
  };
  const attributes: Raw = {};
  if (media.voice === true) attributes.voice = true;
  if (media.animated === true) attributes.animated = true;
  return { content: asString(media.caption), contentAttributes: attributes, attachments: [attachment] };
}

function parseInteractive(raw: Raw) {
  const interactive = asRecord(raw.interactive);
  const kind = asString(interactive.type);
  if (kind === 'button_reply' || kind === 'list_reply') {
    const reply = asRecord(interactive[kind]);
    return {
      contentType: 'interactive_reply',
      content: asString(reply.title),
      contentAttributes: {
        interactive: {
          type: kind,
          id: asString(reply.id),
          title: asString(reply.title),
          description: asString(reply.description),
        },
      },
    };
  }
  if (kind === 'nfm_reply') {
    const reply = asRecord(interactive.nfm_reply);
    let response: unknown = asString(reply.response_json);
    try {
      response = typeof response === 'string' ? JSON.parse(response) : response;
    } catch {
      // keep the text as it came
    }
    return {
      contentType: 'interactive_reply',
      content: asString(reply.body),
      contentAttributes: { interactive: { type: kind, name: asString(reply.name), response } },
    };
  }
  return null;
}

/** What the message is, as content (text shown), a content type and attributes for the renderer. */
function parseContent(
  type: string,
  raw: Raw,
): Pick<ParsedMessage, 'contentType' | 'content' | 'contentAttributes' | 'attachments'> | null {
  const none = { contentAttributes: {}, attachments: [] };
  switch (type) {
    case 'text': {
      const body = asString(asRecord(raw.text).body);
      return body === null ? null : { ...none, contentType: 'text', content: body };
    }
    case 'image':
    case 'audio':
    case 'video':
    case 'document':
    case 'sticker':
      return { contentType: type === 'document' ? 'file' : type, ...parseMedia(type, raw) };
    case 'location': {
      const location = asRecord(raw.location);
      // Coordinates may be missing or placeholders in documentation payloads: keep the place anyway.
      const coordinate = (value: unknown) =>
        value === null || value === '' || !Number.isFinite(Number(value)) ? null : Number(value);
      const latitude = coordinate(location.latitude);
      const longitude = coordinate(location.longitude);
      const name = asString(location.name);
      const address = asString(location.address);
      return {
        ...none,
        contentType: 'location',
        content: [name, address].filter(Boolean).join(' — ') || null,
        contentAttributes: { location: { latitude, longitude, name, address, url: asString(location.url) } },
      };
    }
    case 'contacts': {
      const contacts = Array.isArray(raw.contacts) ? raw.contacts.map(asRecord) : [];
      if (contacts.length === 0) return null;
      const names = contacts.map((contact) => asString(asRecord(contact.name).formatted_name)).filter(Boolean);
      return { ...none, contentType: 'contacts', content: names.join(', ') || null, contentAttributes: { contacts } };
    }
    case 'interactive': {
      const parsed = parseInteractive(raw);
      return parsed ? { ...none, ...parsed } : null;
    }
    case 'button': {
      const button = asRecord(raw.button);
      return {
        ...none,
        contentType: 'button_reply',
        content: asString(button.text),
        contentAttributes: { button: { payload: asString(button.payload), text: asString(button.text) } },
      };
    }
    case 'system': {
      const system = asRecord(raw.system);
      return {
        ...none,
        contentType: 'system',
        content: asString(system.body),
        contentAttributes: {
          system: { type: asString(system.type), wa_id: asString(system.wa_id), identity: raw.identity ?? null },
        },
      };
    }
    case 'order': {
      const order = asRecord(raw.order);
      return { ...none, contentType: 'order', content: asString(order.text) || 'Pedido', contentAttributes: { order } };
    }
    default:
      return null;
  }
}

/**
 * Reads one `messages[]` item. Never throws and never drops: what cannot be understood becomes an
 * `unsupported` message that keeps WhatsApp's errors and the raw item.
 */
export function parseMessage(raw: Raw): ParsedMessage {
  const type = messageType(raw);
  const context = asRecord(raw.context);
  const parsed = parseContent(type, raw);
  const contentAttributes: Raw = { ...(parsed?.contentAttributes ?? {}) };
  if (context.forwarded === true) contentAttributes.forwarded = true;
  if (context.frequently_forwarded === true) contentAttributes.frequently_forwarded = true;
  if (raw.referral !== undefined) contentAttributes.referral = asRecord(raw.referral);
  if (Array.isArray(raw.errors)) contentAttributes.errors = raw.errors;
  if (!parsed) contentAttributes.whatsapp_type = type;
  return {
    wamid: asString(raw.id) ?? '',
    from: asString(raw.from),
    fromUserId: asString(raw.from_user_id),
    timestamp: parseTimestamp(raw.timestamp),
    type,
    contentType: parsed?.contentType ?? 'unsupported',
    content: parsed ? parsed.content : UNSUPPORTED_TEXT,
    contentAttributes,
    attachments: parsed?.attachments ?? [],
    replyToWamid: asString(context.id),
    raw,
  };
}
