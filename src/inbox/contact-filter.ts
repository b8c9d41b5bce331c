import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import type { Database } from '../db/schema.js';
import { AppError } from '../shared/errors.js';
import { normalizePhone } from '../shared/phone.js';
import type { ContactCondition } from './contacts.repo.js';

type Eb = ExpressionBuilder<Database, 'contacts'>;

export const FILTER_OPERATORS = [
  'equal_to',
  'not_equal_to',
  'contains',
  'does_not_contain',
  'starts_with',
  'is_present',
  'is_not_present',
  'is_greater_than',
  'is_less_than',
  'days_before',
] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

/** One line of Chatwoot's filter: `query_operator` joins it to the next line (AND binds tighter than OR). */
export interface FilterLine {
  attribute_key: string;
  filter_operator: FilterOperator;
  values: Array<string | number | boolean>;
  query_operator?: string | null | undefined;
}

type AttributeKind = 'text' | 'phone' | 'date' | 'labels';
const TEXT_OPERATORS: FilterOperator[] = [
  'equal_to',
  'not_equal_to',
  'contains',
  'does_not_contain',
  'starts_with',
  'is_present',
  'is_not_present',
];
const OPERATORS_BY_KIND: Record<AttributeKind, FilterOperator[]> = {
  text: TEXT_OPERATORS,
  phone: TEXT_OPERATORS,
  date: ['is_greater_than', 'is_less_than', 'days_before', 'is_present', 'is_not_present'],
  labels: ['equal_to', 'not_equal_to', 'is_present', 'is_not_present'],
};

interface Attribute {
  kind: AttributeKind;
  value: (eb: Eb) => Expression<unknown>;
}

const column = (name: 'name' | 'email' | 'identifier' | 'phone_number' | 'created_at' | 'last_activity_at') => ({
  value: (eb: Eb) => eb.ref(`contacts.${name}`),
});
const jsonText = (field: 'custom_attributes' | 'additional_attributes', key: string) => ({
  value: () => sql<string>`${sql.ref(`contacts.${field}`)}->>${key}`,
});

/** Chatwoot's standard contact attributes; country, city and company live in additional_attributes. */
const STANDARD: Record<string, Attribute> = {
  name: { kind: 'text', ...column('name') },
  email: { kind: 'text', ...column('email') },
  identifier: { kind: 'text', ...column('identifier') },
  phone_number: { kind: 'phone', ...column('phone_number') },
  created_at: { kind: 'date', ...column('created_at') },
  last_activity_at: { kind: 'date', ...column('last_activity_at') },
  labels: { kind: 'labels', value: (eb) => eb.ref('contacts.labels') },
  city: { kind: 'text', ...jsonText('additional_attributes', 'city') },
  country: { kind: 'text', ...jsonText('additional_attributes', 'country') },
  country_code: { kind: 'text', ...jsonText('additional_attributes', 'country_code') },
  company: { kind: 'text', ...jsonText('additional_attributes', 'company_name') },
};

// Own keys only: "constructor" or "toString" are not attributes.
const standardAttribute = (key: string) => (Object.hasOwn(STANDARD, key) ? STANDARD[key] : undefined);

/** Keys that are not standard attributes: the caller checks they exist as custom attributes. */
export function customAttributeKeys(lines: FilterLine[]): string[] {
  return [...new Set(lines.map((line) => line.attribute_key).filter((key) => !standardAttribute(key)))];
}

const unprocessable = (index: number, field: string, message: string) =>
  new AppError('unprocessable', `Filtro inválido (linha ${index + 1}): ${message}`, [
    { field: `payload.${index}.${field}`, message },
  ]);

/** `%` and `_` in what a person typed are literal characters, not wildcards. */
export const likeEscape = (text: string) => text.replace(/[\\%_]/g, '\\$&');

type Compiled = (eb: Eb) => Expression<SqlBool>;

function textCondition(value: (eb: Eb) => Expression<unknown>, operator: FilterOperator, values: string[]): Compiled {
  const lowered = values.map((v) => v.toLowerCase());
  return (eb) => {
    const target = value(eb);
    const present = eb.and([eb(target, 'is not', null), eb(target, '<>', '')]);
    switch (operator) {
      case 'is_present':
        return present;
      case 'is_not_present':
        return eb.not(present);
      case 'equal_to':
        return eb(sql`lower(${target})`, 'in', lowered);
      case 'not_equal_to':
        return eb.or([eb(target, 'is', null), eb(sql`lower(${target})`, 'not in', lowered)]);
      case 'contains':
        return eb.or(values.map((v) => eb(target, 'ilike', `%${likeEscape(v)}%`)));
      case 'does_not_contain':
        return eb.or([
          eb(target, 'is', null),
          eb.and(values.map((v) => eb(target, 'not ilike', `%${likeEscape(v)}%`))),
        ]);
      default:
        return eb.or(values.map((v) => eb(target, 'ilike', `${likeEscape(v)}%`)));
    }
  };
}

/** Phones compare by matching key, so either form of a Brazilian mobile finds the contact. */
function phoneCondition(operator: FilterOperator, values: string[], index: number): Compiled {
  if (operator !== 'equal_to' && operator !== 'not_equal_to') {
    const digits = values.map((v) => v.replace(/\D/g, '') || v);
    return textCondition(() => sql`replace(${sql.ref('contacts.phone_number')}, '+', '')`, operator, digits);
  }
  const keys = values.map((v) => {
    const phone = normalizePhone(v);
    if (!phone) throw unprocessable(index, 'values', `telefone inválido: ${v}`);
    return phone.key;
  });
  return (eb) =>
    operator === 'equal_to'
      ? eb('contacts.phone_key', 'in', keys)
      : eb.or([eb('contacts.phone_key', 'is', null), eb('contacts.phone_key', 'not in', keys)]);
}

function dateCondition(
  value: (eb: Eb) => Expression<unknown>,
  operator: FilterOperator,
  values: string[],
  index: number,
): Compiled {
  if (operator === 'is_present') return (eb) => eb(value(eb), 'is not', null);
  if (operator === 'is_not_present') return (eb) => eb(value(eb), 'is', null);
  const raw = values[0] as string;
  if (operator === 'days_before') {
    const days = Number(raw);
    if (!Number.isInteger(days) || days < 0) throw unprocessable(index, 'values', 'informe um número inteiro de dias');
    return (eb) => eb(value(eb), '<', sql<Date>`now() - make_interval(days => ${days})`);
  }
  const date = new Date(raw);
  if (Number.isNaN(date.getTime())) throw unprocessable(index, 'values', `data inválida: ${raw}`);
  return (eb) => eb(value(eb), operator === 'is_greater_than' ? '>' : '<', date);
}

function labelsCondition(operator: FilterOperator, values: string[]): Compiled {
  const labels = sql<string[]>`ARRAY[${sql.join(values.map((v) => v.toLowerCase()))}]::text[]`;
  if (operator === 'is_present') return () => sql<SqlBool>`cardinality(contacts.labels) > 0`;
  if (operator === 'is_not_present') return () => sql<SqlBool>`cardinality(contacts.labels) = 0`;
  const overlaps = sql<SqlBool>`contacts.labels && ${labels}`;
  return (eb) => (operator === 'equal_to' ? overlaps : eb.not(overlaps));
}

function compileLine(line: FilterLine, index: number): Compiled {
  const attribute = standardAttribute(line.attribute_key) ?? {
    kind: 'text' as const,
    ...jsonText('custom_attributes', line.attribute_key),
  };
  const operator = line.filter_operator;
  if (!OPERATORS_BY_KIND[attribute.kind].includes(operator)) {
    throw unprocessable(index, 'filter_operator', `o operador ${operator} não se aplica a ${line.attribute_key}`);
  }
  const values = line.values.map(String);
  if (operator !== 'is_present' && operator !== 'is_not_present' && values.length === 0) {
    throw unprocessable(index, 'values', `informe ao menos um valor para ${line.attribute_key}`);
  }
  switch (attribute.kind) {
    case 'phone':
      return phoneCondition(operator, values, index);
    case 'date':
      return dateCondition(attribute.value, operator, values, index);
    case 'labels':
      return labelsCondition(operator, values);
    default:
      return textCondition(attribute.value, operator, values);
  }
}

/**
 * Chatwoot's contact filter as one SQL condition. Every line is checked here (422 AppError naming the
 * line), so a bad filter never reaches the database.
 */
export function contactFilterCondition(lines: FilterLine[]): ContactCondition {
  const compiled = lines.map((line, index) => {
    if (index < lines.length - 1 && !line.query_operator) {
      throw unprocessable(index, 'query_operator', 'informe AND ou OR para ligar à próxima linha');
    }
    return compileLine(line, index);
  });
  return (eb) => {
    // AND binds tighter than OR, as in the SQL Chatwoot builds from the same lines.
    const groups: Expression<SqlBool>[][] = [[]];
    for (const [index, line] of lines.entries()) {
      (groups.at(-1) as Expression<SqlBool>[]).push((compiled[index] as Compiled)(eb));
      if (line.query_operator?.toLowerCase() === 'or' && index < lines.length - 1) groups.push([]);
    }
    return eb.or(groups.map((group) => eb.and(group)));
  };
}

/**
 * Chatwoot's search: name, e-mail, identifier (contains, any case) and phone — in either form of a
 * Brazilian mobile, and by partial digits.
 */
export function contactSearchCondition(q: string): ContactCondition {
  const text = q.trim();
  const pattern = `%${likeEscape(text)}%`;
  const digits = text.replace(/\D/g, '');
  const looksLikePhone = /^[+\d\s().-]+$/.test(text) && digits.length >= 3;
  const phone = looksLikePhone ? normalizePhone(text) : null;
  return (eb) =>
    eb.or([
      eb('contacts.name', 'ilike', pattern),
      eb('contacts.email', 'ilike', pattern),
      eb('contacts.identifier', 'ilike', pattern),
      ...(looksLikePhone
        ? [
            eb(sql`replace(${sql.ref('contacts.phone_number')}, '+', '')`, 'like', `%${digits}%`),
            // The key drops the 9th digit: "4188776655" finds +5541988776655.
            eb('contacts.phone_key', 'like', `%${digits}%`),
          ]
        : []),
      ...(phone ? [eb('contacts.phone_key', '=', phone.key)] : []),
    ]);
}
