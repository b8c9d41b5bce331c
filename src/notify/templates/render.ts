import { type WhatsappVariant, WhatsappVariantSchema } from './template-schemas.js';
import { renderVariables, variableRoots } from './template-text.js';
import type { RenderContext } from './variables.js';

export { loadRenderContext } from './render-context.js';
export type { NotificationTemplate } from './template-schemas.js';
export type { RenderContext, VariableRoot } from './variables.js';

/** What rendering needs of a template: a saved one, or a row read straight from notification_templates. */
export interface RenderableTemplate {
  whatsapp: WhatsappVariant | Record<string, unknown> | null;
  text: string | null;
  sms: string | null;
}

export interface RenderedWhatsapp {
  name: string;
  language: string;
  /** Cloud API template components (header/body text parameters, quick-reply payloads). */
  components: Array<Record<string, unknown>>;
}

export interface RenderedTemplate {
  text: string | null;
  sms: string | null;
  whatsapp: RenderedWhatsapp | null;
}

const whatsappOf = (template: RenderableTemplate): WhatsappVariant | null => {
  if (!template.whatsapp) return null;
  const parsed = WhatsappVariantSchema.safeParse(template.whatsapp);
  return parsed.success ? parsed.data : null;
};

// Meta refuses an empty text parameter and one with line breaks, tabs or 5+ spaces in a row (132000):
// a missing value goes out as "-" rather than failing the send.
const asParameter = (text: string) =>
  text
    .replace(/[\n\r\t]+/g, ' ')
    .replace(/ {4,}/g, '   ')
    .trim() || '-';

function textParameters(params: WhatsappVariant['body_params'] | undefined, render: (text: string) => string) {
  if (!params) return [];
  if (Array.isArray(params)) return params.map((text) => ({ type: 'text', text: asParameter(render(text)) }));
  return Object.entries(params).map(([name, text]) => ({
    type: 'text',
    parameter_name: name,
    text: asParameter(render(text)),
  }));
}

function whatsappComponents(variant: WhatsappVariant, render: (text: string) => string) {
  const components: Array<Record<string, unknown>> = [];
  const header = textParameters(variant.header_params, render);
  if (header.length > 0) components.push({ type: 'header', parameters: header });
  const body = textParameters(variant.body_params, render);
  if (body.length > 0) components.push({ type: 'body', parameters: body });
  for (const [index, payload] of (variant.button_payloads ?? []).entries()) {
    if (payload === null) continue;
    components.push({
      type: 'button',
      sub_type: 'quick_reply',
      index: String(index),
      parameters: [{ type: 'payload', payload: render(payload) }],
    });
  }
  return components;
}

/** A notification template filled for one recipient: each variant it has, ready to send. */
export function renderNotificationTemplate(
  template: RenderableTemplate,
  context: RenderContext,
  timeZone: string,
): RenderedTemplate {
  const render = (text: string) => renderVariables(text, context, timeZone);
  const variant = whatsappOf(template);
  return {
    text: template.text === null ? null : render(template.text),
    sms: template.sms === null ? null : render(template.sms),
    whatsapp: variant
      ? { name: variant.template_name, language: variant.language, components: whatsappComponents(variant, render) }
      : null,
  };
}

/** Every text of a template that may hold variables, named by its field (as validation errors name them). */
export function templateTexts(template: RenderableTemplate): Array<{ field: string; text: string }> {
  const texts: Array<{ field: string; text: string }> = [];
  if (template.text !== null) texts.push({ field: 'text', text: template.text });
  if (template.sms !== null) texts.push({ field: 'sms', text: template.sms });
  const variant = whatsappOf(template);
  for (const key of ['header_params', 'body_params'] as const) {
    for (const [name, text] of Object.entries(variant?.[key] ?? {})) {
      texts.push({ field: `whatsapp.${key}.${name}`, text });
    }
  }
  for (const [index, payload] of (variant?.button_payloads ?? []).entries()) {
    if (payload !== null) texts.push({ field: `whatsapp.button_payloads.${index}`, text: payload });
  }
  return texts;
}

/**
 * The root objects a template's variables use (client, provider, event, assignment, offer…), so a rule
 * can check that its audience and trigger provide them.
 */
export function templateVariables(template: RenderableTemplate): Set<string> {
  return new Set<string>(templateTexts(template).flatMap(({ text }) => variableRoots(text)));
}
