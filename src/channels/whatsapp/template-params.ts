import { z } from 'zod';
import type { TemplateSend } from './outbound-payload.js';

const STRUCTURED_KEYS = ['body', 'header', 'buttons'];

// Older Chatwoot clients send the body parameters flat: processed_params: {"1": "Maria"}.
function flatToBody(value: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const entries = Object.entries(value);
  const flat =
    entries.length > 0 && entries.every(([key, item]) => !STRUCTURED_KEYS.includes(key) && typeof item === 'string');
  return flat ? { body: value } : value;
}

/** Chatwoot's `template_params` for WhatsApp templates (the shape n8n flows and scripts already send). */
export const ChatwootTemplateParamsSchema = z.object({
  name: z.string().min(1).max(512),
  category: z.string().optional(),
  language: z.string().min(2).max(15),
  processed_params: z
    .preprocess(
      flatToBody,
      z.object({
        body: z.record(z.string(), z.string()).optional(),
        header: z
          .object({
            media_url: z.string().url().optional(),
            media_type: z.enum(['image', 'video', 'document']).optional(),
            text: z.string().optional(),
          })
          .optional(),
        buttons: z
          .array(
            z.object({
              type: z.enum(['url', 'copy_code', 'quick_reply']),
              parameter: z.string(),
              index: z.number().int().min(0).optional(),
            }),
          )
          .optional(),
      }),
    )
    .optional(),
});

export type ChatwootTemplateParams = z.infer<typeof ChatwootTemplateParamsSchema>;

/** Numbered parameters ("1", "2") go in order; named ones carry their name (Meta's named parameters). */
function bodyParameters(body: Record<string, string>) {
  const entries = Object.entries(body);
  const numbered = entries.every(([key]) => /^\d+$/.test(key));
  if (numbered) {
    return entries.sort(([a], [b]) => Number(a) - Number(b)).map(([, text]) => ({ type: 'text', text }));
  }
  return entries.map(([name, text]) => ({ type: 'text', parameter_name: name, text }));
}

/** Converts Chatwoot's template_params into Cloud API template components. */
export function templateFromChatwoot(
  params: ChatwootTemplateParams,
  rendered: string | null,
): TemplateSend & { rendered: string | null } {
  const components: Array<Record<string, unknown>> = [];
  const { header, body, buttons } = params.processed_params ?? {};
  if (header?.media_url && header.media_type) {
    components.push({
      type: 'header',
      parameters: [{ type: header.media_type, [header.media_type]: { link: header.media_url } }],
    });
  } else if (header?.text) {
    components.push({ type: 'header', parameters: [{ type: 'text', text: header.text }] });
  }
  if (body && Object.keys(body).length > 0) components.push({ type: 'body', parameters: bodyParameters(body) });
  for (const [position, button] of (buttons ?? []).entries()) {
    components.push({
      type: 'button',
      sub_type: button.type,
      index: String(button.index ?? position),
      parameters: [
        button.type === 'copy_code'
          ? { type: 'coupon_code', coupon_code: button.parameter }
          : button.type === 'quick_reply'
            ? { type: 'payload', payload: button.parameter }
            : { type: 'text', text: button.parameter },
      ],
    });
  }
  return { name: params.name, language: params.language, components, rendered };
}
