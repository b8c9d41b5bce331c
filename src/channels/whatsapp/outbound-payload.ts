import { z } from 'zod';
import type { Message } from '../../db/schema.js';

// What an outgoing message row keeps in content_attributes so the send job can rebuild the request.
export const InteractiveButtonsSchema = z.object({
  type: z.literal('button'),
  header: z.string().max(60).optional(),
  body: z.string().min(1).max(1024),
  footer: z.string().max(60).optional(),
  buttons: z
    .array(
      z.object({
        id: z.string().min(1).max(256),
        title: z.string().min(1).max(20, { error: 'no máximo 20 caracteres' }),
      }),
    )
    .min(1, { error: 'de 1 a 3 botões' })
    .max(3, { error: 'de 1 a 3 botões' }),
});

export const InteractiveListSchema = z.object({
  type: z.literal('list'),
  header: z.string().max(60).optional(),
  body: z.string().min(1).max(4096),
  footer: z.string().max(60).optional(),
  button: z.string().min(1).max(20, { error: 'no máximo 20 caracteres' }),
  sections: z
    .array(
      z.object({
        title: z.string().max(24).optional(),
        rows: z
          .array(
            z.object({
              id: z.string().min(1).max(200),
              title: z.string().min(1).max(24, { error: 'no máximo 24 caracteres' }),
              description: z.string().max(72).optional(),
            }),
          )
          .min(1),
      }),
    )
    .min(1)
    .max(10)
    .refine((sections) => sections.reduce((total, section) => total + section.rows.length, 0) <= 10, {
      error: 'no máximo 10 opções na lista',
    }),
});

export const InteractiveSchema = z.discriminatedUnion('type', [InteractiveButtonsSchema, InteractiveListSchema]);
export type Interactive = z.infer<typeof InteractiveSchema>;

export const TemplateSendSchema = z.object({
  name: z.string().min(1),
  language: z.string().min(2),
  components: z.array(z.record(z.string(), z.unknown())).default([]),
});
export type TemplateSend = z.infer<typeof TemplateSendSchema>;

/** `to` for a phone number (wa_id), `recipient` for a business-scoped user id (contacts without a number). */
export function recipientFields(sourceId: string): Record<string, string> {
  return /^\d{6,20}$/.test(sourceId) ? { to: sourceId } : { recipient: sourceId };
}

function interactivePayload(interactive: Interactive) {
  const common = {
    ...(interactive.header ? { header: { type: 'text', text: interactive.header } } : {}),
    body: { text: interactive.body },
    ...(interactive.footer ? { footer: { text: interactive.footer } } : {}),
  };
  if (interactive.type === 'button') {
    return {
      type: 'button',
      ...common,
      action: {
        buttons: interactive.buttons.map((button) => ({
          type: 'reply',
          reply: { id: button.id, title: button.title },
        })),
      },
    };
  }
  return { type: 'list', ...common, action: { button: interactive.button, sections: interactive.sections } };
}

/**
 * The Cloud API request body for an outgoing message row (POST /{phone-number-id}/messages).
 * `mediaId` is the id returned by uploading the attachment, for media messages.
 */
export function buildSendPayload(
  message: Message,
  recipient: string,
  mediaId?: { type: string; id: string; fileName?: string | null },
) {
  const attributes = message.content_attributes as Record<string, unknown>;
  const base = {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    ...recipientFields(recipient),
    ...(message.in_reply_to_source_id ? { context: { message_id: message.in_reply_to_source_id } } : {}),
  };
  if (message.message_type === 3 || attributes.template) {
    const template = TemplateSendSchema.parse(attributes.template);
    return {
      ...base,
      type: 'template',
      template: { name: template.name, language: { code: template.language }, components: template.components },
    };
  }
  if (attributes.interactive) {
    return {
      ...base,
      type: 'interactive',
      interactive: interactivePayload(InteractiveSchema.parse(attributes.interactive)),
    };
  }
  if (mediaId) {
    const media: Record<string, string> = { id: mediaId.id };
    if (message.content && mediaId.type !== 'audio' && mediaId.type !== 'sticker') media.caption = message.content;
    if (mediaId.type === 'document' && mediaId.fileName) media.filename = mediaId.fileName;
    return { ...base, type: mediaId.type, [mediaId.type]: media };
  }
  return {
    ...base,
    type: 'text',
    text: { preview_url: /https?:\/\//.test(message.content ?? ''), body: message.content ?? '' },
  };
}

export const SendResponseSchema = z.object({
  messaging_product: z.literal('whatsapp').optional(),
  contacts: z.array(z.object({ input: z.string().optional(), wa_id: z.string().optional() })).optional(),
  messages: z.array(z.object({ id: z.string().min(1), message_status: z.string().optional() })).min(1),
});

/** A reaction to a message (an empty emoji removes ours), sent like any other message. */
export function buildReactionPayload(recipient: string, targetWamid: string, emoji: string) {
  return {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    ...recipientFields(recipient),
    type: 'reaction',
    reaction: { message_id: targetWamid, emoji },
  };
}

/** Blue ticks for the client: marks an incoming message (and those before it) as read. */
export function buildReadReceiptPayload(wamid: string) {
  return { messaging_product: 'whatsapp', status: 'read', message_id: wamid };
}

export const ReadReceiptResponseSchema = z.looseObject({ success: z.boolean().optional() });
