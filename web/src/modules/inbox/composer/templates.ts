/**
 * WhatsApp message templates in the composer: which parameters a template asks for, the preview with
 * them filled in, and Chatwoot's `template_params` the backend accepts
 * (src/channels/whatsapp/template-params.ts and template-validation.ts).
 */

export interface TemplateComponent {
  type: string;
  format?: string;
  text?: string;
  buttons?: Array<{ type: string; text?: string; url?: string }>;
}

/** GET /inboxes/:id/message_templates (src/compat/chatwoot/inbox-templates.routes.ts). */
export interface MessageTemplate {
  id: number;
  name: string;
  language: string;
  status: string;
  category: string | null;
  parameter_format: string | null;
  components: TemplateComponent[];
}

export type MediaType = 'image' | 'video' | 'document';

/** One input the attendant fills before sending. */
export type TemplateField =
  | { id: string; section: 'header' | 'body'; kind: 'text'; key: string }
  | { id: string; section: 'header'; kind: 'media'; key: MediaType }
  | {
      id: string;
      section: 'button';
      kind: 'button';
      key: string;
      buttonType: 'url' | 'copy_code';
      text: string | null;
    };

export type TemplateValues = Record<string, string>;

export interface TemplateParams {
  name: string;
  category?: string;
  language: string;
  processed_params: {
    body?: Record<string, string>;
    header?: { text?: string; media_url?: string; media_type?: MediaType };
    buttons?: Array<{ type: 'url' | 'copy_code'; parameter: string; index: number }>;
  };
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;
const MEDIA_FORMATS: Record<string, MediaType> = { IMAGE: 'image', VIDEO: 'video', DOCUMENT: 'document' };

/** The distinct {{1}} / {{nome}} placeholders of a text, in order of appearance (as the backend counts them). */
export function placeholders(text: string | undefined): string[] {
  return [...new Set([...(text ?? '').matchAll(PLACEHOLDER)].map((match) => match[1] ?? ''))];
}

export const componentOf = (template: MessageTemplate, type: string) =>
  template.components.find((component) => component.type.toUpperCase() === type);

export const isNamed = (template: MessageTemplate) => template.parameter_format?.toUpperCase() === 'NAMED';

const fieldId = (section: string, key: string) => `${section}:${key}`;

/** The inputs a template needs: header (text parameter or media link), body placeholders, buttons that take one. */
export function templateFields(template: MessageTemplate): TemplateField[] {
  const fields: TemplateField[] = [];
  const header = componentOf(template, 'HEADER');
  const headerFormat = (header?.format ?? 'TEXT').toUpperCase();
  const media = MEDIA_FORMATS[headerFormat];
  if (media) fields.push({ id: fieldId('header', 'media'), section: 'header', kind: 'media', key: media });
  else if (header && headerFormat === 'TEXT') {
    for (const key of placeholders(header.text))
      fields.push({ id: fieldId('header', key), section: 'header', kind: 'text', key });
  }
  for (const key of placeholders(componentOf(template, 'BODY')?.text)) {
    fields.push({ id: fieldId('body', key), section: 'body', kind: 'text', key });
  }
  for (const [index, button] of (componentOf(template, 'BUTTONS')?.buttons ?? []).entries()) {
    const type = button.type.toUpperCase();
    const buttonType =
      type === 'COPY_CODE'
        ? 'copy_code'
        : type === 'OTP' || (type === 'URL' && placeholders(button.url).length > 0)
          ? 'url'
          : null;
    if (buttonType) {
      fields.push({
        id: fieldId('button', String(index)),
        section: 'button',
        kind: 'button',
        key: String(index),
        buttonType,
        text: button.text ?? null,
      });
    }
  }
  return fields;
}

/** A piece of preview text: literal, or a parameter (filled or still showing its placeholder). */
export interface PreviewSegment {
  text: string;
  param?: { id: string; filled: boolean };
}

/** Splits a header or body text into literal pieces and parameters, for a preview that highlights them. */
export function previewSegments(text: string, section: 'header' | 'body', values: TemplateValues): PreviewSegment[] {
  const segments: PreviewSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    const index = match.index ?? 0;
    if (index > last) segments.push({ text: text.slice(last, index) });
    const id = fieldId(section, match[1] ?? '');
    const value = values[id]?.trim() ?? '';
    segments.push({ text: value || match[0], param: { id, filled: value !== '' } });
    last = index + match[0].length;
  }
  if (last < text.length) segments.push({ text: text.slice(last) });
  return segments;
}

export const fillText = (text: string, section: 'header' | 'body', values: TemplateValues) =>
  previewSegments(text, section, values)
    .map((segment) => segment.text)
    .join('');

/** The message as the client will read it: header text, body and footer with the parameters in place. */
export function renderTemplate(template: MessageTemplate, values: TemplateValues) {
  const header = componentOf(template, 'HEADER');
  const headerFormat = (header?.format ?? 'TEXT').toUpperCase();
  return {
    header: header && headerFormat === 'TEXT' && header.text ? fillText(header.text, 'header', values) : null,
    headerMedia: MEDIA_FORMATS[headerFormat] ?? null,
    body: fillText(componentOf(template, 'BODY')?.text ?? '', 'body', values),
    footer: componentOf(template, 'FOOTER')?.text ?? null,
    buttons: (componentOf(template, 'BUTTONS')?.buttons ?? []).map((button) => button.text ?? button.type),
  };
}

/** The text stored as the message content (what the conversation shows for the template). */
export function renderedContent(template: MessageTemplate, values: TemplateValues): string {
  const rendered = renderTemplate(template, values);
  return [rendered.header, rendered.body, rendered.footer].filter((part) => part?.trim()).join('\n\n');
}

export const missingFields = (fields: TemplateField[], values: TemplateValues) =>
  fields.filter((field) => !values[field.id]?.trim());

/** Chatwoot's template_params: {name, category, language, processed_params: {body, header?, buttons?}}. */
export function buildTemplateParams(template: MessageTemplate, values: TemplateValues): TemplateParams {
  const processed: TemplateParams['processed_params'] = {};
  const value = (field: TemplateField) => values[field.id]?.trim() ?? '';
  for (const field of templateFields(template)) {
    if (field.kind === 'media') processed.header = { media_url: value(field), media_type: field.key };
    else if (field.kind === 'button') {
      processed.buttons = [
        ...(processed.buttons ?? []),
        { type: field.buttonType, parameter: value(field), index: Number(field.key) },
      ];
    } else if (field.section === 'header') processed.header = { text: value(field) };
    else processed.body = { ...processed.body, [field.key]: value(field) };
  }
  return {
    name: template.name,
    ...(template.category ? { category: template.category } : {}),
    language: template.language,
    processed_params: processed,
  };
}
