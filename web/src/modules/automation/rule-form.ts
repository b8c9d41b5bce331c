import type { AutomationRule, AutomationRuleInput, RuleAction, RuleCondition } from './automation.api';
import { type AutomationKey, type AutomationT, automationMessages } from './automation.messages';
import {
  ATTRIBUTES,
  type AttributeSpec,
  type AutomationEvent,
  actionsFor,
  type FilterOperator,
  OPERATORS_BY_TYPE,
  PRESENCE_OPERATORS,
} from './automation-catalog';

/** A translated catalog word (`attr.status`), or the raw key when the catalog grew before the texts did. */
export function catalogLabel(t: AutomationT, prefix: 'attr' | 'op' | 'action' | 'event' | 'value', key: string) {
  const messageKey = `${prefix}.${key}`;
  return messageKey in automationMessages['pt-BR'] ? t(messageKey as AutomationKey) : key;
}

export const NEW_RULE: AutomationRuleInput = {
  name: '',
  description: '',
  event_name: 'message_created',
  active: true,
  conditions: [],
  actions: [{ action_name: 'add_label', action_params: [] }],
};

export const inputOf = (rule: AutomationRule): AutomationRuleInput => ({
  name: rule.name,
  description: rule.description,
  event_name: rule.event_name,
  active: rule.active,
  conditions: rule.conditions,
  actions: rule.actions,
});

/** The spec of a condition's attribute: the catalog's, or "custom" for Chatwoot's custom attributes. */
export function specOf(event: AutomationEvent, condition: RuleCondition): AttributeSpec | 'custom' | undefined {
  if (condition.custom_attribute_type) return 'custom';
  return ATTRIBUTES[event]?.[condition.attribute_key];
}

export function operatorsOf(spec: AttributeSpec | 'custom' | undefined): readonly FilterOperator[] {
  if (!spec) return [];
  return OPERATORS_BY_TYPE[spec === 'custom' ? 'custom' : spec.type];
}

/** A new condition on the event's first attribute, with its first operator. */
export function newCondition(event: AutomationEvent): RuleCondition {
  const [key = 'status', spec] = Object.entries(ATTRIBUTES[event])[0] ?? [];
  return { attribute_key: key, filter_operator: operatorsOf(spec)[0] ?? 'equal_to', values: [], query_operator: 'and' };
}

/** Changing the attribute keeps the operator when the new type allows it, and clears values of another kind. */
export function withAttribute(event: AutomationEvent, condition: RuleCondition, key: string): RuleCondition {
  const spec = ATTRIBUTES[event][key];
  const operators = operatorsOf(spec);
  const sameType = spec?.type === (specOf(event, condition) as AttributeSpec | undefined)?.type;
  return {
    attribute_key: key,
    filter_operator: operators.includes(condition.filter_operator)
      ? condition.filter_operator
      : (operators[0] ?? 'equal_to'),
    values: sameType ? condition.values : [],
    query_operator: condition.query_operator,
  };
}

export const needsValue = (operator: FilterOperator) => !PRESENCE_OPERATORS.includes(operator);

/** Text typed with commas → the values list ("a, b" → ["a", "b"]); numbers stay numbers for ids. */
export function splitValues(text: string, numeric = false): Array<string | number> {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => (numeric && /^\d+$/.test(part) ? Number(part) : part));
}

/** On another event, conditions on attributes it does not have and actions it does not allow are dropped. */
export function withEvent(input: AutomationRuleInput, event: AutomationEvent): AutomationRuleInput {
  const allowed = new Set(actionsFor(event));
  const actions: RuleAction[] = input.actions.filter((action) => allowed.has(action.action_name));
  return {
    ...input,
    event_name: event,
    conditions: input.conditions.filter(
      (condition) => condition.custom_attribute_type || condition.attribute_key in ATTRIBUTES[event],
    ),
    actions: actions.length > 0 ? actions : [{ action_name: 'add_private_note', action_params: [] }],
  };
}

/** The API's problems for one action (`actions.1.action_params.0` → under action 1), as one sentence. */
export function actionError(errors: Record<string, string>, index: number): string | undefined {
  const prefix = `actions.${index}`;
  const messages = Object.entries(errors)
    .filter(([path]) => path === prefix || path.startsWith(`${prefix}.`))
    .map(([, message]) => message);
  return messages.length > 0 ? [...new Set(messages)].join('; ') : undefined;
}
