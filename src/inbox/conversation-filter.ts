import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import type { Database } from '../db/schema.js';
import { AppError } from '../shared/errors.js';
import { type FilterLine, type FilterOperator, likeEscape } from './contact-filter.js';
import { normalizeLabels } from './label-titles.js';

type Eb = ExpressionBuilder<Database, 'conversations'>;
type Kind = 'id' | 'enum' | 'date' | 'labels' | 'text';

const OPERATORS: Record<Kind, FilterOperator[]> = {
  id: ['equal_to', 'not_equal_to', 'is_present', 'is_not_present'],
  enum: ['equal_to', 'not_equal_to', 'is_present', 'is_not_present'],
  date: ['is_greater_than', 'is_less_than', 'days_before', 'is_present', 'is_not_present'],
  labels: ['equal_to', 'not_equal_to', 'is_present', 'is_not_present'],
  text: ['equal_to', 'not_equal_to', 'contains', 'does_not_contain', 'is_present', 'is_not_present'],
};

const STANDARD: Record<string, { kind: Kind; column: string }> = {
  status: { kind: 'enum', column: 'conversations.status' },
  priority: { kind: 'enum', column: 'conversations.priority' },
  assignee_id: { kind: 'id', column: 'conversations.assignee_id' },
  inbox_id: { kind: 'id', column: 'conversations.inbox_id' },
  team_id: { kind: 'id', column: 'conversations.team_id' },
  contact_id: { kind: 'id', column: 'conversations.contact_id' },
  display_id: { kind: 'id', column: 'conversations.display_id' },
  created_at: { kind: 'date', column: 'conversations.created_at' },
  last_activity_at: { kind: 'date', column: 'conversations.last_activity_at' },
  waiting_since: { kind: 'date', column: 'conversations.waiting_since' },
  labels: { kind: 'labels', column: 'conversations.labels' },
};

const invalid = (index: number, field: string, message: string) =>
  new AppError('unprocessable', `Filtro inválido (linha ${index + 1}): ${message}`, [
    { field: `payload.${index}.${field}`, message },
  ]);

function condition(eb: Eb, line: FilterLine, index: number): Expression<SqlBool> {
  const standard = STANDARD[line.attribute_key];
  const kind: Kind = standard?.kind ?? 'text';
  // Anything else is a conversation custom attribute, compared as text.
  const value = standard ? sql.ref(standard.column) : sql`conversations.custom_attributes->>${line.attribute_key}`;
  const operator = line.filter_operator;
  const values = line.values.map(String);
  if (operator === 'is_present') {
    return kind === 'labels' ? sql<SqlBool>`cardinality(conversations.labels) > 0` : eb(value, 'is not', null);
  }
  if (operator === 'is_not_present') {
    return kind === 'labels' ? sql<SqlBool>`cardinality(conversations.labels) = 0` : eb(value, 'is', null);
  }
  if (kind === 'labels') {
    const overlaps = sql<SqlBool>`conversations.labels && ${normalizeLabels(values)}::text[]`;
    return operator === 'equal_to' ? overlaps : eb.not(overlaps);
  }
  if (kind === 'date') {
    if (operator === 'days_before') {
      const days = Number(values[0]);
      if (!Number.isInteger(days) || days < 0) throw invalid(index, 'values', 'informe um número de dias');
      return eb(value, '<', sql<Date>`now() - make_interval(days => ${days})`);
    }
    const date = new Date(values[0] as string);
    if (Number.isNaN(date.getTime())) throw invalid(index, 'values', `data inválida: ${values[0]}`);
    return eb(value, operator === 'is_greater_than' ? '>' : '<', date);
  }
  if (kind === 'id') {
    const ids = values.map(Number);
    if (ids.some((id) => !Number.isSafeInteger(id))) throw invalid(index, 'values', 'informe ids numéricos');
    return operator === 'equal_to' ? eb(value, 'in', ids) : eb.or([eb(value, 'is', null), eb(value, 'not in', ids)]);
  }
  switch (operator) {
    case 'equal_to':
      return eb(value, 'in', values);
    case 'not_equal_to':
      return eb.or([eb(value, 'is', null), eb(value, 'not in', values)]);
    case 'contains':
      return eb.or(values.map((v) => eb(value, 'ilike', `%${likeEscape(v)}%`)));
    default:
      return eb.or([eb(value, 'is', null), eb.and(values.map((v) => eb(value, 'not ilike', `%${likeEscape(v)}%`)))]);
  }
}

/**
 * Chatwoot's conversation filter (POST /conversations/filter) as one SQL condition. Every line is
 * checked before any SQL is built, so a bad line is a 422, never a database error.
 */
export function conversationFilterCondition(lines: FilterLine[]) {
  for (const [index, line] of lines.entries()) {
    const kind = STANDARD[line.attribute_key]?.kind ?? 'text';
    if (!OPERATORS[kind].includes(line.filter_operator)) {
      throw invalid(
        index,
        'filter_operator',
        `o operador ${line.filter_operator} não se aplica a ${line.attribute_key}`,
      );
    }
    const needsValues = line.filter_operator !== 'is_present' && line.filter_operator !== 'is_not_present';
    if (needsValues && line.values.length === 0) {
      throw invalid(index, 'values', `informe ao menos um valor para ${line.attribute_key}`);
    }
    if (index < lines.length - 1 && !line.query_operator) {
      throw invalid(index, 'query_operator', 'informe AND ou OR para ligar à próxima linha');
    }
  }
  return (eb: Eb): Expression<SqlBool> => {
    // AND binds tighter than OR, as in the SQL Chatwoot builds from the same lines.
    const groups: Expression<SqlBool>[][] = [[]];
    for (const [index, line] of lines.entries()) {
      (groups.at(-1) as Expression<SqlBool>[]).push(condition(eb, line, index));
      if (line.query_operator?.toLowerCase() === 'or' && index < lines.length - 1) groups.push([]);
    }
    return eb.or(groups.map((group) => eb.and(group)));
  };
}
