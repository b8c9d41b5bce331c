import { componentOf, isNamed, type MessageTemplate, placeholders } from '../../inbox/composer/templates';
import type { NotificationTemplate, TemplateCategory, TemplateInput, TemplateParameters } from '../notify.api';

/** One parameter input: its key (`1`, `2`… or Meta's name) and the text with {{variables}}. */
export interface ParamSlot {
  key: string;
  value: string;
}

export interface WhatsappValues {
  enabled: boolean;
  template_name: string;
  language: string;
  /** Meta's named parameters ({{nome}}) instead of positional ({{1}}). */
  named: boolean;
  header: ParamSlot[];
  body: ParamSlot[];
  /** Quick-reply payloads, by button position; '' leaves a button without one. */
  buttons: Array<{ text: string; payload: string }>;
}

export interface TemplateValues {
  name: string;
  category: TemplateCategory;
  text: string;
  sms: string;
  whatsapp: WhatsappValues;
}

export const EMPTY_WHATSAPP: WhatsappValues = {
  enabled: false,
  template_name: '',
  language: 'pt_BR',
  named: false,
  header: [],
  body: [],
  buttons: [],
};

export const NEW_TEMPLATE: TemplateValues = {
  name: '',
  category: 'utility',
  text: '',
  sms: '',
  whatsapp: EMPTY_WHATSAPP,
};

function slotsOf(parameters: TemplateParameters | undefined): { named: boolean; slots: ParamSlot[] } {
  if (!parameters) return { named: false, slots: [] };
  if (Array.isArray(parameters)) {
    return { named: false, slots: parameters.map((value, index) => ({ key: String(index + 1), value })) };
  }
  return { named: true, slots: Object.entries(parameters).map(([key, value]) => ({ key, value })) };
}

/** A saved template as the form edits it. */
export function valuesOf(template: NotificationTemplate): TemplateValues {
  const whatsapp = template.whatsapp;
  const body = slotsOf(whatsapp?.body_params);
  const header = slotsOf(whatsapp?.header_params);
  return {
    name: template.name,
    category: template.category,
    text: template.text ?? '',
    sms: template.sms ?? '',
    whatsapp: whatsapp
      ? {
          enabled: true,
          template_name: whatsapp.template_name,
          language: whatsapp.language,
          named: body.named || header.named,
          header: header.slots,
          body: body.slots,
          buttons: (whatsapp.button_payloads ?? []).map((payload, index) => ({
            text: `#${index + 1}`,
            payload: payload ?? '',
          })),
        }
      : EMPTY_WHATSAPP,
  };
}

function parametersOf(slots: ParamSlot[], named: boolean): TemplateParameters {
  if (!named) return slots.map((slot) => slot.value.trim());
  return Object.fromEntries(slots.map((slot) => [slot.key.trim(), slot.value.trim()]));
}

const orNull = (text: string) => text.trim() || null;

/** The form as the API takes it: empty variants are null, positional parameters a list. */
export function inputOf(values: TemplateValues): TemplateInput {
  const { whatsapp } = values;
  return {
    name: values.name.trim(),
    category: values.category,
    text: orNull(values.text),
    sms: orNull(values.sms),
    whatsapp: whatsapp.enabled
      ? {
          template_name: whatsapp.template_name.trim(),
          language: whatsapp.language.trim() || 'pt_BR',
          ...(whatsapp.header.length > 0 ? { header_params: parametersOf(whatsapp.header, whatsapp.named) } : {}),
          body_params: parametersOf(whatsapp.body, whatsapp.named),
          ...(whatsapp.buttons.length > 0
            ? { button_payloads: whatsapp.buttons.map((button) => orNull(button.payload)) }
            : {}),
        }
      : null,
  };
}

const keep = (keys: string[], current: ParamSlot[]) =>
  keys.map((key) => ({ key, value: current.find((slot) => slot.key === key)?.value ?? '' }));

/**
 * Picking a Meta template shapes the parameter inputs after it: one per {{placeholder}} of its header
 * and body, one payload per quick-reply button. Values already typed for the same keys are kept.
 */
export function applyMetaTemplate(current: WhatsappValues, template: MessageTemplate): WhatsappValues {
  const header = componentOf(template, 'HEADER');
  const headerKeys = (header?.format ?? 'TEXT').toUpperCase() === 'TEXT' ? placeholders(header?.text) : [];
  const quickReplies = (componentOf(template, 'BUTTONS')?.buttons ?? []).filter(
    (button) => button.type.toUpperCase() === 'QUICK_REPLY',
  );
  return {
    enabled: true,
    template_name: template.name,
    language: template.language,
    named: isNamed(template),
    header: keep(headerKeys, current.header),
    body: keep(placeholders(componentOf(template, 'BODY')?.text), current.body),
    buttons: quickReplies.map((button, index) => ({
      text: button.text ?? `#${index + 1}`,
      payload: current.buttons[index]?.payload ?? '',
    })),
  };
}

/** Where an API field path (`whatsapp.body_params.0`) lands in the form (`whatsapp.body.0`). */
export function formFieldOf(path: string): string {
  return path
    .replace(/^template\./, '')
    .replace(/^whatsapp\.body_params\.(\w+)$/, 'whatsapp.body.$1')
    .replace(/^whatsapp\.header_params\.(\w+)$/, 'whatsapp.header.$1')
    .replace(/^whatsapp\.button_payloads\.(\d+)$/, 'whatsapp.buttons.$1');
}

/** Where the catalog's "Inserir" puts a variable: the field the manager last typed in. */
export type InsertTarget = 'text' | 'sms' | `whatsapp.header.${number}` | `whatsapp.body.${number}`;

export function insertVariable(values: TemplateValues, target: InsertTarget, token: string): TemplateValues {
  const append = (text: string) => (text && !/\s$/.test(text) ? `${text} ${token}` : `${text}${token}`);
  if (target === 'text') return { ...values, text: append(values.text) };
  if (target === 'sms') return { ...values, sms: append(values.sms) };
  const [, part, index] = target.split('.') as [string, 'header' | 'body', string];
  const slots = values.whatsapp[part].map((slot, position) =>
    position === Number(index) ? { ...slot, value: append(slot.value) } : slot,
  );
  return { ...values, whatsapp: { ...values.whatsapp, [part]: slots } };
}
