import type { FilterOperator } from '../rule-catalog.js';

export interface Condition {
  attribute_key: string;
  filter_operator: FilterOperator;
  values: Array<string | number | boolean>;
  /** Joins this condition to the next one (Chatwoot's shape); the last one's is ignored. */
  query_operator: 'and' | 'or' | null;
  custom_attribute_type?: 'conversation_attribute' | 'contact_attribute' | undefined;
}

/** What a condition compares against: text, a number or id, a date, a list (labels) or nothing. */
export type AttributeValue = string | number | boolean | Date | string[] | null | undefined;

export interface ConditionResult {
  attribute_key: string;
  filter_operator: FilterOperator;
  values: Array<string | number | boolean>;
  query_operator: 'and' | 'or' | null;
  matched: boolean;
  /** The value the condition saw (for the dry run). */
  actual: unknown;
}

const DAY_MS = 86_400_000;

/** Case and accents do not matter: "Orçamento" matches "orcamento". */
export function fold(value: string): string {
  return value.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase('pt-BR').trim();
}

function isEmpty(value: AttributeValue): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  return false;
}

function asText(value: Exclude<AttributeValue, null | undefined | string[]>): string {
  return value instanceof Date ? value.toISOString() : String(value);
}

function asNumberOrTime(value: unknown): number | null {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') {
    const number = Number(value);
    if (Number.isFinite(number)) return number;
    const time = Date.parse(value);
    return Number.isNaN(time) ? null : time;
  }
  return null;
}

function asTime(value: AttributeValue): number | null {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string') {
    const time = Date.parse(value);
    return Number.isNaN(time) ? null : time;
  }
  return null;
}

function equalsAny(actual: AttributeValue, values: Condition['values']): boolean {
  if (isEmpty(actual)) return false;
  const wanted = values.map((value) => fold(String(value)));
  if (Array.isArray(actual)) return actual.some((item) => wanted.includes(fold(item)));
  return wanted.includes(fold(asText(actual as Exclude<AttributeValue, null | undefined | string[]>)));
}

function containsAny(actual: AttributeValue, values: Condition['values']): boolean {
  if (isEmpty(actual)) return false;
  const wanted = values.map((value) => fold(String(value))).filter((value) => value !== '');
  const haystacks = Array.isArray(actual)
    ? actual.map(fold)
    : [fold(asText(actual as Exclude<AttributeValue, null | undefined | string[]>))];
  return haystacks.some((haystack) => wanted.some((needle) => haystack.includes(needle)));
}

function compare(actual: AttributeValue, values: Condition['values'], sign: 1 | -1): boolean {
  const left = asNumberOrTime(actual);
  const right = asNumberOrTime(values[0]);
  if (left === null || right === null) return false;
  return sign === 1 ? left > right : left < right;
}

/** One condition against one value. Values are any-of: equal_to ["a", "b"] means a or b. */
export function matchCondition(
  operator: FilterOperator,
  actual: AttributeValue,
  values: Condition['values'],
  now: Date,
): boolean {
  switch (operator) {
    case 'equal_to':
      return equalsAny(actual, values);
    case 'not_equal_to':
      return !equalsAny(actual, values);
    case 'contains':
      return containsAny(actual, values);
    case 'does_not_contain':
      return !containsAny(actual, values);
    case 'is_present':
      return !isEmpty(actual);
    case 'is_not_present':
      return isEmpty(actual);
    case 'is_greater_than':
      return compare(actual, values, 1);
    case 'is_less_than':
      return compare(actual, values, -1);
    case 'days_before': {
      // Chatwoot's meaning: the date is more than N days before today.
      const time = asTime(actual);
      const days = Number(values[0]);
      return time !== null && Number.isFinite(days) && time < now.getTime() - days * DAY_MS;
    }
  }
}

/**
 * Chatwoot's chaining: each condition's query_operator joins it to the next, and AND binds tighter
 * than OR (as in the SQL Chatwoot builds), so `a AND b OR c` is `(a AND b) OR c`. No conditions: true.
 */
export function evaluateConditions(
  conditions: Condition[],
  read: (condition: Condition) => AttributeValue,
  now: Date,
): { matched: boolean; results: ConditionResult[] } {
  const results = conditions.map((condition) => {
    const actual = read(condition);
    return {
      attribute_key: condition.attribute_key,
      filter_operator: condition.filter_operator,
      values: condition.values,
      query_operator: condition.query_operator,
      matched: matchCondition(condition.filter_operator, actual, condition.values, now),
      actual: actual instanceof Date ? actual.toISOString() : (actual ?? null),
    };
  });
  if (results.length === 0) return { matched: true, results };
  let anyGroup = false;
  let group = true;
  results.forEach((result, index) => {
    group = group && result.matched;
    const last = index === results.length - 1;
    if (last || result.query_operator === 'or') {
      anyGroup = anyGroup || group;
      group = true;
    }
  });
  return { matched: anyGroup, results };
}
