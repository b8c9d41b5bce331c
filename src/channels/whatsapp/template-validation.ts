import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { AppError } from '../../shared/errors.js';
import { type MessageTemplate, messageTemplatesRepo } from './message-templates.repo.js';
import type { TemplateSend } from './outbound-payload.js';

/** A component of a template as Meta describes it (GET /{waba_id}/message_templates). */
export const TemplateComponentSchema = z.looseObject({
  type: z.string(),
  format: z.string().optional(),
  text: z.string().optional(),
  buttons: z
    .array(z.looseObject({ type: z.string(), text: z.string().optional(), url: z.string().optional() }))
    .optional(),
});
export type TemplateComponent = z.infer<typeof TemplateComponentSchema>;

export interface TemplateDefinition {
  name: string;
  language: string;
  status: string;
  parameter_format: string | null;
  components: TemplateComponent[];
}

export interface TemplateIssue {
  field: string;
  message: string;
}

type ButtonParameter = 'required' | 'optional' | 'none';

/** What a template asks for when it is sent: the API shows it so callers know what to fill in. */
export interface TemplateParametersSummary {
  format: 'POSITIONAL' | 'NAMED';
  header: { format: string; parameters: string[] } | null;
  body: string[];
  buttons: Array<{ index: number; type: string; text: string | null; parameter: ButtonParameter }>;
}

// Meta's limits for a text parameter (Cloud API, template parameter object).
const HEADER_TEXT_LIMIT = 60;
const BODY_TEXT_LIMIT = 1024;
const BODY_ONLY_TEXT_LIMIT = 32_768;
const COUPON_CODE_LIMIT = 15;
const MEDIA_HEADERS = new Set(['IMAGE', 'VIDEO', 'DOCUMENT']);
// The `sub_type` a send must use for each kind of template button that takes a parameter.
const BUTTON_SUB_TYPES: Record<string, { subType: string; parameter: ButtonParameter }> = {
  QUICK_REPLY: { subType: 'quick_reply', parameter: 'optional' },
  COPY_CODE: { subType: 'copy_code', parameter: 'required' },
  OTP: { subType: 'url', parameter: 'required' },
  FLOW: { subType: 'flow', parameter: 'optional' },
};

/** The distinct {{1}} / {{name}} placeholders of a text, in order of appearance. */
export function placeholders(text: string | undefined): string[] {
  return [...new Set([...(text ?? '').matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)].map((match) => match[1] ?? ''))];
}

/** A stored row as a definition; components Meta described in a shape we do not know are left out. */
export function templateDefinition(row: MessageTemplate): TemplateDefinition {
  const components = Array.isArray(row.components) ? row.components : [];
  return {
    name: row.name,
    language: row.language,
    status: row.status,
    parameter_format: row.parameter_format,
    components: components.flatMap((component) => {
      const parsed = TemplateComponentSchema.safeParse(component);
      return parsed.success ? [parsed.data] : [];
    }),
  };
}

const componentOf = (template: TemplateDefinition, type: string) =>
  template.components.find((component) => component.type.toUpperCase() === type);

function buttonParameter(button: { type: string; url?: string }): ButtonParameter {
  const type = button.type.toUpperCase();
  if (type === 'URL') return placeholders(button.url).length > 0 ? 'required' : 'none';
  return BUTTON_SUB_TYPES[type]?.parameter ?? 'none';
}

export function summariseTemplate(template: TemplateDefinition): TemplateParametersSummary {
  const header = componentOf(template, 'HEADER');
  const headerFormat = (header?.format ?? 'TEXT').toUpperCase();
  return {
    format: template.parameter_format?.toUpperCase() === 'NAMED' ? 'NAMED' : 'POSITIONAL',
    header: header
      ? {
          format: headerFormat,
          parameters: MEDIA_HEADERS.has(headerFormat)
            ? [headerFormat.toLowerCase()]
            : headerFormat === 'LOCATION'
              ? ['location']
              : placeholders(header.text),
        }
      : null,
    body: placeholders(componentOf(template, 'BODY')?.text),
    buttons: (componentOf(template, 'BUTTONS')?.buttons ?? []).map((button, index) => ({
      index,
      type: button.type.toUpperCase(),
      text: button.text ?? null,
      parameter: buttonParameter(button),
    })),
  };
}

type Parameter = Record<string, unknown>;
const parametersOf = (component: Record<string, unknown> | undefined): Parameter[] =>
  Array.isArray(component?.parameters) ? (component.parameters as Parameter[]) : [];

/** Meta refuses text parameters that are empty, too long, or carry line breaks, tabs or 5+ spaces in a row. */
function checkText(field: string, value: unknown, limit: number): TemplateIssue[] {
  if (typeof value !== 'string' || value.trim() === '') return [{ field, message: 'o texto não pode ficar vazio' }];
  if (/[\n\r\t]/.test(value)) return [{ field, message: 'não pode ter quebras de linha nem tabulações' }];
  if (/ {5,}/.test(value)) return [{ field, message: 'não pode ter mais de 4 espaços seguidos' }];
  if (value.length > limit) return [{ field, message: `no máximo ${limit} caracteres` }];
  return [];
}

function checkNamed(field: string, expected: string[], given: Parameter[]): TemplateIssue[] {
  const names = given.map((parameter) => parameter.parameter_name);
  if (names.some((name) => typeof name !== 'string')) {
    return [{ field, message: `o modelo usa parâmetros nomeados: informe ${expected.join(', ')}` }];
  }
  const issues: TemplateIssue[] = [];
  const missing = expected.filter((name) => !names.includes(name));
  const unknown = (names as string[]).filter((name) => !expected.includes(name));
  if (missing.length > 0) issues.push({ field, message: `faltam os parâmetros ${missing.join(', ')}` });
  if (unknown.length > 0) issues.push({ field, message: `parâmetros que o modelo não tem: ${unknown.join(', ')}` });
  if (new Set(names).size !== names.length) issues.push({ field, message: 'parâmetro repetido' });
  return issues;
}

function checkBody(template: TemplateDefinition, named: boolean, body: Parameter[]): TemplateIssue[] {
  const expected = placeholders(componentOf(template, 'BODY')?.text);
  const issues = named
    ? checkNamed('template.body', expected, body)
    : body.length === expected.length
      ? []
      : [
          {
            field: 'template.body',
            message: `o modelo espera ${expected.length} parâmetro(s) no corpo; foram enviados ${body.length}`,
          },
        ];
  const onlyBody = template.components.every((component) => component.type.toUpperCase() === 'BODY');
  for (const [position, parameter] of body.entries()) {
    const field = `template.body.${typeof parameter.parameter_name === 'string' ? parameter.parameter_name : position + 1}`;
    if (parameter.type === 'text') {
      issues.push(...checkText(field, parameter.text, onlyBody ? BODY_ONLY_TEXT_LIMIT : BODY_TEXT_LIMIT));
    } else if (parameter.type !== 'currency' && parameter.type !== 'date_time') {
      issues.push({ field, message: 'tipo de parâmetro não aceito no corpo (use text, currency ou date_time)' });
    }
  }
  return issues;
}

function hasMediaSource(value: unknown): boolean {
  const media = value as { link?: unknown; id?: unknown } | undefined;
  if (typeof media?.id === 'string' && media.id !== '') return true;
  return typeof media?.link === 'string' && /^https?:\/\/\S+$/.test(media.link);
}

function checkHeader(template: TemplateDefinition, named: boolean, header: Parameter[]): TemplateIssue[] {
  const definition = componentOf(template, 'HEADER');
  const field = 'template.header';
  if (!definition) return header.length > 0 ? [{ field, message: 'o modelo não tem cabeçalho com parâmetros' }] : [];
  const format = (definition.format ?? 'TEXT').toUpperCase();
  if (MEDIA_HEADERS.has(format)) {
    const kind = format.toLowerCase();
    const [parameter] = header;
    if (header.length !== 1 || parameter?.type !== kind || !hasMediaSource(parameter[kind])) {
      return [{ field, message: `o cabeçalho é ${kind}: envie um parâmetro ${kind} com link (http/https) ou id` }];
    }
    return [];
  }
  if (format === 'LOCATION') {
    const location = header[0]?.location as { latitude?: unknown; longitude?: unknown } | undefined;
    return header.length === 1 && location?.latitude !== undefined && location.longitude !== undefined
      ? []
      : [{ field, message: 'o cabeçalho é uma localização: envie latitude e longitude' }];
  }
  if (format !== 'TEXT') return [];
  const expected = placeholders(definition.text);
  if (named) {
    const issues = checkNamed(field, expected, header);
    if (issues.length > 0) return issues;
  } else if (header.length !== expected.length) {
    return [
      {
        field,
        message: `o modelo espera ${expected.length} parâmetro(s) no cabeçalho; foram enviados ${header.length}`,
      },
    ];
  }
  return header.flatMap((parameter) => checkText(field, parameter.text, HEADER_TEXT_LIMIT));
}

function checkButtonParameters(field: string, subType: string, parameters: Parameter[]): TemplateIssue[] {
  if (subType === 'quick_reply') {
    return parameters.every((parameter) => parameter.type === 'payload' && typeof parameter.payload === 'string')
      ? []
      : [{ field, message: 'o botão de resposta rápida aceita só um payload' }];
  }
  const [parameter] = parameters;
  if (parameters.length !== 1) return [{ field, message: 'envie exatamente um parâmetro para este botão' }];
  if (subType === 'copy_code') {
    return parameter?.type === 'coupon_code'
      ? checkText(field, parameter.coupon_code, COUPON_CODE_LIMIT)
      : [{ field, message: 'o botão de copiar código precisa de um coupon_code' }];
  }
  if (subType === 'url') {
    return parameter?.type === 'text' && typeof parameter.text === 'string' && parameter.text.trim() !== ''
      ? []
      : [{ field, message: 'o botão de link precisa do final do endereço (texto)' }];
  }
  return [];
}

function checkButtons(template: TemplateDefinition, sent: Array<Record<string, unknown>>): TemplateIssue[] {
  const buttons = summariseTemplate(template).buttons;
  const issues: TemplateIssue[] = [];
  const given = new Set<number>();
  for (const component of sent) {
    const index = Number(component.index);
    const field = `template.buttons.${String(component.index)}`;
    const button = Number.isInteger(index) ? buttons[index] : undefined;
    if (!button) {
      issues.push({ field, message: `o modelo não tem botão na posição ${String(component.index)}` });
      continue;
    }
    given.add(index);
    const expected = button.type === 'URL' ? 'url' : BUTTON_SUB_TYPES[button.type]?.subType;
    if (button.parameter === 'none' || !expected) {
      issues.push({ field, message: `o botão "${button.text ?? button.type}" não aceita parâmetros` });
    } else if (component.sub_type !== expected) {
      issues.push({ field, message: `o botão "${button.text ?? button.type}" é do tipo ${expected}` });
    } else {
      issues.push(...checkButtonParameters(field, expected, parametersOf(component)));
    }
  }
  for (const button of buttons) {
    if (button.parameter === 'required' && !given.has(button.index)) {
      issues.push({
        field: `template.buttons.${button.index}`,
        message: `o botão "${button.text ?? button.type}" precisa de um parâmetro`,
      });
    }
  }
  return issues;
}

/** Checks the Cloud API components of a send against the template Meta approved (what error 132000/132012 would say later). */
export function checkTemplateParameters(template: TemplateDefinition, send: Pick<TemplateSend, 'components'>) {
  const named = template.parameter_format?.toUpperCase() === 'NAMED';
  const ofType = (type: string) => send.components.filter((component) => String(component.type).toLowerCase() === type);
  const issues: TemplateIssue[] = [];
  for (const type of ['header', 'body']) {
    if (ofType(type).length > 1) issues.push({ field: `template.${type}`, message: 'informado mais de uma vez' });
  }
  issues.push(...checkHeader(template, named, parametersOf(ofType('header')[0])));
  issues.push(...checkBody(template, named, parametersOf(ofType('body')[0])));
  issues.push(...checkButtons(template, ofType('button')));
  return issues;
}

/**
 * Refuses (422) a template send the inbox's synced templates say Meta would refuse: unknown name or
 * language, not approved, or parameters that do not fit. Runs before the outgoing row is committed.
 */
export async function assertTemplateSendable(db: Db, inboxId: number, send: TemplateSend): Promise<void> {
  const inbox = await db.selectFrom('inboxes').select('channel_type').where('id', '=', inboxId).executeTakeFirst();
  if (inbox?.channel_type !== 'whatsapp_cloud') return;
  const label = `"${send.name}" (${send.language})`;
  const template = await messageTemplatesRepo.find(db, inboxId, send.name, send.language);
  if (!template) {
    throw new AppError(
      'template_unavailable',
      `O modelo ${label} não existe nesta caixa de entrada. Sincronize os modelos com a Meta e tente de novo.`,
      [{ field: 'template.name', message: 'modelo não encontrado neste idioma' }],
    );
  }
  if (template.status !== 'APPROVED') {
    throw new AppError(
      'template_unavailable',
      `O modelo ${label} não está aprovado pela Meta (situação: ${template.status}). Se ele já foi aprovado, sincronize os modelos.`,
      [{ field: 'template.name', message: `situação ${template.status}` }],
    );
  }
  const issues = checkTemplateParameters(templateDefinition(template), send);
  if (issues.length > 0) {
    throw new AppError('template_parameters_invalid', `Os parâmetros não conferem com o modelo ${label}.`, issues);
  }
}
