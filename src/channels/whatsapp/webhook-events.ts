import { CONTACT_NAME_MAX_LENGTH } from '../../inbox/contacts.repo.js';
import { clip } from '../../shared/text.js';
import { messageType, type ParsedMessage, parseMessage, parseTimestamp } from './message-parser.js';
import {
  type CloudError,
  ContactSchema,
  ErrorSchema,
  MetadataSchema,
  StatusSchema,
  type WebhookEnvelope,
} from './webhook-envelope.js';

export interface ChangeMetadata {
  phoneNumberId: string | null;
  displayPhoneNumber: string | null;
  businessAccountId: string | null;
}

export interface InboundContact {
  waId: string | null;
  userId: string | null;
  parentUserId: string | null;
  profileName: string | null;
}

export type InboundEvent =
  | { kind: 'message'; metadata: ChangeMetadata; contact: InboundContact; message: ParsedMessage }
  | {
      kind: 'reaction';
      metadata: ChangeMetadata;
      contact: InboundContact;
      wamid: string;
      targetWamid: string;
      /** null or '' removes the reaction. */
      emoji: string | null;
      at: Date | null;
    }
  | {
      kind: 'revoke';
      metadata: ChangeMetadata;
      contact: InboundContact;
      wamid: string;
      targetWamid: string;
      at: Date | null;
    }
  | {
      kind: 'edit';
      metadata: ChangeMetadata;
      contact: InboundContact;
      wamid: string;
      targetWamid: string;
      edited: ParsedMessage;
    }
  | {
      kind: 'status';
      metadata: ChangeMetadata;
      wamid: string;
      status: string;
      at: Date | null;
      recipientId: string | null;
      errors: CloudError[];
      raw: Record<string, unknown>;
    }
  | { kind: 'echo'; metadata: ChangeMetadata; to: string | null; toUserId: string | null; message: ParsedMessage }
  | { kind: 'channel_event'; metadata: ChangeMetadata; eventKind: string; payload: Record<string, unknown> };

type Raw = Record<string, unknown>;
const asRecord = (value: unknown): Raw =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Raw) : {};
const asArray = (value: unknown): Raw[] => (Array.isArray(value) ? value.map(asRecord) : []);
const asString = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

function contactFor(value: Raw, from: string | null, fromUserId: string | null): InboundContact {
  const contacts = asArray(value.contacts)
    .map((item) => ContactSchema.safeParse(item))
    .flatMap((result) => (result.success ? [result.data] : []));
  // With several contacts in one change, pick the one who sent this message.
  const match =
    contacts.find((contact) => (from && contact.wa_id === from) || (fromUserId && contact.user_id === fromUserId)) ??
    (contacts.length === 1 ? contacts[0] : undefined);
  return {
    waId: match?.wa_id ?? from,
    userId: match?.user_id ?? fromUserId,
    parentUserId: match?.parent_user_id ?? null,
    // Meta keeps profile names short; a longer one is cut to what the contacts API accepts.
    profileName: match?.profile?.name ? clip(match.profile.name, CONTACT_NAME_MAX_LENGTH) : null,
  };
}

function eventsOfMessage(metadata: ChangeMetadata, value: Raw, raw: Raw): InboundEvent {
  const type = messageType(raw);
  const wamid = asString(raw.id) ?? '';
  const contact = contactFor(value, asString(raw.from), asString(raw.from_user_id));
  const at = parseTimestamp(raw.timestamp);
  if (type === 'reaction') {
    const reaction = asRecord(raw.reaction);
    const target = asString(reaction.message_id);
    if (target) {
      return { kind: 'reaction', metadata, contact, wamid, targetWamid: target, emoji: asString(reaction.emoji), at };
    }
  }
  if (type === 'revoke') {
    const target = asString(asRecord(raw.revoke).original_message_id);
    if (target) return { kind: 'revoke', metadata, contact, wamid, targetWamid: target, at };
  }
  if (type === 'edit') {
    const edit = asRecord(raw.edit);
    const target = asString(edit.original_message_id);
    if (target) {
      const edited = parseMessage({ ...asRecord(edit.message), id: wamid, from: raw.from, timestamp: raw.timestamp });
      return { kind: 'edit', metadata, contact, wamid, targetWamid: target, edited };
    }
  }
  return { kind: 'message', metadata, contact, message: parseMessage(raw) };
}

/**
 * Every event in a payload: every entry, every change, every message and status. Fields other than
 * `messages` and the value-level `errors` become channel events, recorded rather than dropped.
 */
export function extractEvents(envelope: WebhookEnvelope): InboundEvent[] {
  const events: InboundEvent[] = [];
  for (const entry of envelope.entry) {
    for (const change of entry.changes) {
      const value = change.value;
      const parsedMetadata = MetadataSchema.safeParse(value.metadata);
      const metadata: ChangeMetadata = {
        phoneNumberId: parsedMetadata.success ? parsedMetadata.data.phone_number_id : null,
        displayPhoneNumber: parsedMetadata.success ? (parsedMetadata.data.display_phone_number ?? null) : null,
        businessAccountId: entry.id ?? null,
      };
      if (change.field === 'messages' || change.field === 'smb_message_echoes') {
        for (const raw of asArray(value.messages)) events.push(eventsOfMessage(metadata, value, raw));
        for (const raw of asArray(value.message_echoes)) {
          events.push({
            kind: 'echo',
            metadata,
            to: asString(raw.to),
            toUserId: asString(raw.to_user_id),
            message: parseMessage(raw),
          });
        }
        for (const raw of asArray(value.statuses)) {
          const status = StatusSchema.safeParse(raw);
          if (!status.success) {
            events.push({ kind: 'channel_event', metadata, eventKind: 'invalid_status', payload: raw });
            continue;
          }
          events.push({
            kind: 'status',
            metadata,
            wamid: status.data.id,
            status: status.data.status,
            at: parseTimestamp(status.data.timestamp),
            recipientId: status.data.recipient_id ?? null,
            errors: status.data.errors ?? [],
            raw,
          });
        }
        const errors = asArray(value.errors).flatMap((item) => {
          const parsed = ErrorSchema.safeParse(item);
          return parsed.success ? [parsed.data] : [];
        });
        if (errors.length > 0)
          events.push({ kind: 'channel_event', metadata, eventKind: 'errors', payload: { errors } });
        continue;
      }
      events.push({
        kind: 'channel_event',
        metadata,
        eventKind: change.field === 'message_template_status_update' ? 'template_status' : change.field,
        payload: value,
      });
    }
  }
  return events;
}
