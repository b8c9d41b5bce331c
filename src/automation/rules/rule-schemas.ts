import { z } from 'zod';
import { AppError } from '../../shared/errors.js';
import type { Condition } from './engine/conditions.js';
import {
  ACTION_EVENTS,
  ACTION_NAMES,
  type ActionName,
  ATTRIBUTES,
  AUTOMATION_EVENTS,
  type AutomationEvent,
  CUSTOM_ATTRIBUTE_TYPES,
  FILTER_OPERATORS,
  isConversationEvent,
  OPERATORS_BY_TYPE,
  PRESENCE_OPERATORS,
} from './rule-catalog.js';

const positiveId = (what: string) =>
  z.coerce
    .number({ error: `${what} deve ser um número` })
    .int()
    .positive({ error: `${what} deve ser positivo` });
const oneText = (what: string, max: number) =>
  z
    .array(
      z
        .string({ error: `${what}: texto` })
        .trim()
        .min(1, { error: `${what} vazio` })
        .max(max, { error: `${what}: no máximo ${max} caracteres` }),
    )
    .length(1, { error: `informe exatamente um ${what}` });
const single = <T extends z.ZodType>(item: T, what: string) =>
  z.array(item).length(1, { error: `informe exatamente um ${what}` });
const none = z.array(z.unknown()).max(0, { error: 'esta ação não recebe parâmetros' });
const LABEL = z
  .string({ error: 'etiqueta: texto' })
  .trim()
  .toLowerCase()
  .regex(/^[\p{L}\p{N}_-]+$/u, { error: 'etiqueta: use apenas letras, números, "-" e "_"' });
const httpUrl = z
  .string({ error: 'URL: texto' })
  .trim()
  .max(2048)
  .refine(
    (value) => {
      try {
        return ['http:', 'https:'].includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { error: 'URL http(s) inválida' },
  );

/** Each action's parameters, in Chatwoot's array shape (Santana's actions take one object). */
export const ACTION_PARAMS: Record<ActionName, z.ZodType> = {
  send_message: oneText('texto da mensagem', 4096),
  add_label: z.array(LABEL).min(1, { error: 'informe ao menos uma etiqueta' }).max(20),
  remove_label: z.array(LABEL).min(1, { error: 'informe ao menos uma etiqueta' }).max(20),
  assign_agent: single(positiveId('agente'), 'id de agente'),
  assign_team: single(positiveId('time'), 'id de time'),
  change_status: single(
    z.enum(['open', 'resolved', 'pending'], { error: 'status: open, resolved ou pending' }),
    'status',
  ),
  resolve_conversation: none,
  mute_conversation: none,
  snooze_conversation: z
    .array(positiveId('minutos').max(60 * 24 * 30, { error: 'no máximo 30 dias' }))
    .max(1, { error: 'informe no máximo um número de minutos' }),
  change_priority: single(
    z.enum(['low', 'medium', 'high', 'urgent', 'none'], { error: 'prioridade: low, medium, high, urgent ou none' }),
    'prioridade',
  ),
  add_private_note: oneText('texto da nota', 4096),
  send_attachment: single(positiveId('anexo'), 'id de anexo'),
  send_webhook_event: single(httpUrl, 'URL'),
  send_template: single(positiveId('modelo'), 'id de modelo de notificação'),
  create_deal: z
    .array(
      z.strictObject({
        title: z.string().trim().min(1).max(200).optional(),
        stage_id: positiveId('etapa').optional(),
      }),
    )
    .max(1, { error: 'informe no máximo um objeto {title?, stage_id?}' }),
  move_deal_stage: single(positiveId('etapa'), 'id de etapa'),
  start_dispatch: single(
    z.strictObject({
      service: z.union([z.string().trim().min(1).max(100), z.number().int().positive()], {
        error: 'service: nome ou id do serviço',
      }),
      strategy: z.enum(['broadcast', 'sequential'], { error: 'strategy: broadcast ou sequential' }),
      offer_ttl_minutes: z
        .number()
        .int()
        .min(1)
        .max(7 * 24 * 60)
        .optional(),
    }),
    'objeto {service, strategy}',
  ),
};

export interface RuleAction {
  action_name: ActionName;
  action_params: unknown[];
}

export interface RuleInput {
  name: string;
  description: string;
  event_name: AutomationEvent;
  active: boolean;
  conditions: Condition[];
  actions: RuleAction[];
}

const ConditionSchema = z.object({
  attribute_key: z
    .string({ error: 'informe o atributo' })
    .trim()
    .min(1, { error: 'informe o atributo' })
    .max(100)
    .regex(/^[A-Za-z0-9_]+$/, { error: 'atributo: letras, números e _' }),
  filter_operator: z.enum(FILTER_OPERATORS, { error: `operador desconhecido; use: ${FILTER_OPERATORS.join(', ')}` }),
  values: z
    .array(z.union([z.string().max(1000), z.number(), z.boolean()], { error: 'valores: textos ou números' }))
    .max(100)
    .default([]),
  query_operator: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(['and', 'or'], { error: 'query_operator: and ou or' }))
    .nullish()
    .transform((value) => value ?? 'and'),
  custom_attribute_type: z
    .enum(CUSTOM_ATTRIBUTE_TYPES, { error: `custom_attribute_type: ${CUSTOM_ATTRIBUTE_TYPES.join(' ou ')}` })
    .optional(),
});

const ActionSchema = z.object({
  action_name: z.enum(ACTION_NAMES, { error: `ação desconhecida; use: ${ACTION_NAMES.join(', ')}` }),
  action_params: z.array(z.unknown(), { error: 'action_params deve ser uma lista' }).default([]),
});

export const RuleSchema = z
  .object({
    name: z
      .string({ error: 'informe o nome' })
      .trim()
      .min(1, { error: 'informe o nome' })
      .max(255, { error: 'no máximo 255 caracteres' }),
    description: z
      .string({ error: 'texto' })
      .max(2000)
      .nullish()
      .transform((value) => value ?? ''),
    event_name: z.enum(AUTOMATION_EVENTS, { error: `evento desconhecido; use: ${AUTOMATION_EVENTS.join(', ')}` }),
    active: z.boolean({ error: 'true ou false' }).default(true),
    conditions: z.array(ConditionSchema, { error: 'conditions deve ser uma lista' }).max(30).default([]),
    actions: z
      .array(ActionSchema, { error: 'actions deve ser uma lista' })
      .min(1, { error: 'informe ao menos uma ação' })
      .max(20),
  })
  .superRefine((rule, context) => {
    const attributes = ATTRIBUTES[rule.event_name];
    rule.conditions.forEach((condition, index) => {
      const at = (field: string) => ['conditions', index, field];
      const custom = condition.custom_attribute_type;
      if (custom === 'conversation_attribute' && !isConversationEvent(rule.event_name)) {
        context.addIssue({
          code: 'custom',
          path: at('custom_attribute_type'),
          message: `o evento ${rule.event_name} não tem conversa: use contact_attribute`,
        });
        return;
      }
      const spec = custom ? { type: 'custom' as const } : attributes[condition.attribute_key];
      if (!spec) {
        context.addIssue({
          code: 'custom',
          path: at('attribute_key'),
          message: `atributo desconhecido para ${rule.event_name}; use: ${Object.keys(attributes).join(', ')} (ou custom_attribute_type)`,
        });
        return;
      }
      const operators = OPERATORS_BY_TYPE[spec.type];
      if (!operators.includes(condition.filter_operator)) {
        context.addIssue({
          code: 'custom',
          path: at('filter_operator'),
          message: `${condition.attribute_key} aceita: ${operators.join(', ')}`,
        });
        return;
      }
      if (PRESENCE_OPERATORS.includes(condition.filter_operator)) return;
      if (condition.values.length === 0) {
        context.addIssue({ code: 'custom', path: at('values'), message: 'informe ao menos um valor' });
        return;
      }
      const problem = valueProblem(condition, spec);
      if (problem) context.addIssue({ code: 'custom', path: at('values'), message: problem });
    });
    rule.actions.forEach((action, index) => {
      const allowed = ACTION_EVENTS[action.action_name];
      if (allowed && !allowed.includes(rule.event_name)) {
        context.addIssue({
          code: 'custom',
          path: ['actions', index, 'action_name'],
          message: `${action.action_name} só vale para os eventos ${allowed.join(', ')}`,
        });
        return;
      }
      const parsed = ACTION_PARAMS[action.action_name].safeParse(action.action_params);
      for (const issue of parsed.error?.issues ?? []) {
        context.addIssue({
          code: 'custom',
          path: ['actions', index, 'action_params', ...issue.path],
          message: issue.message,
        });
      }
    });
  })
  // Parameters as stored: trimmed, lowercase labels, numbers for ids.
  .transform((rule) => ({
    ...rule,
    actions: rule.actions.map((action) => ({
      ...action,
      action_params: (ACTION_PARAMS[action.action_name].safeParse(action.action_params).data ??
        action.action_params) as unknown[],
    })),
  }));

function valueProblem(condition: z.infer<typeof ConditionSchema>, spec: { type: string; values?: readonly string[] }) {
  const { filter_operator: operator, values } = condition;
  if (spec.values && (operator === 'equal_to' || operator === 'not_equal_to')) {
    const unknown = values.filter((value) => !spec.values?.includes(String(value)));
    if (unknown.length) return `valor(es) desconhecido(s): ${unknown.join(', ')}; use: ${spec.values.join(', ')}`;
  }
  if (spec.type === 'id' && values.some((value) => !/^[1-9]\d*$/.test(String(value)))) {
    return 'ids: números inteiros positivos';
  }
  if (operator === 'days_before' && !/^\d+$/.test(String(values[0]))) return 'days_before: um número de dias';
  if ((operator === 'is_greater_than' || operator === 'is_less_than') && values.length !== 1) {
    return 'informe exatamente um valor para comparar';
  }
  if (spec.type === 'number' && (operator === 'is_greater_than' || operator === 'is_less_than')) {
    if (!Number.isFinite(Number(values[0]))) return 'informe um número';
  }
  if (spec.type === 'date' && (operator === 'is_greater_than' || operator === 'is_less_than')) {
    if (Number.isNaN(Date.parse(String(values[0]))))
      return 'informe uma data ISO 8601 (ex.: 2030-06-01T00:00:00-03:00)';
  }
  return null;
}

/** Parses a rule (a created one, or an existing one merged with a PATCH) or answers 422 naming each field. */
export function parseRule(input: unknown): RuleInput {
  const parsed = RuleSchema.safeParse(input);
  if (parsed.success) return parsed.data as RuleInput;
  const details = parsed.error.issues.map((issue) => ({
    field: issue.path.join('.') || 'body',
    message: issue.message,
  }));
  const fields = [...new Set(details.map((detail) => detail.field))].join(', ');
  throw new AppError('unprocessable', `Regra de automação inválida: ${fields}.`, details);
}
