import { replaceVariables, scanVariables } from '../../inbox/message-variables.js';
import { formatReais } from '../../shared/money.js';
import { FILTERS, type FilterName, formatInstant, isFilterName } from './filters.js';
import { type RenderContext, VARIABLES, type VariableRoot, variableDefinition } from './variables.js';

/** A problem with one field of a template, as the 422 lists it. */
export interface FieldIssue {
  field: string;
  message: string;
}

const FILTER_NAMES = Object.keys(FILTERS).join(', ');

/** Why the variables of one text cannot be rendered (checked when a template is saved, not when it is sent). */
export function checkVariables(field: string, text: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const { whole, token } of scanVariables(text)) {
    if (!token) {
      issues.push({
        field,
        message: `variável inválida: ${whole} (use {{objeto.campo}} ou {{objeto.campo | filtro}})`,
      });
      continue;
    }
    const definition = variableDefinition(`${token.object}.${token.field}`);
    if (!definition) {
      issues.push({ field, message: `variável desconhecida: ${whole}` });
    } else if (token.filter !== null && !isFilterName(token.filter)) {
      issues.push({ field, message: `filtro desconhecido: ${token.filter} em ${whole} (filtros: ${FILTER_NAMES})` });
    } else if (token.filter !== null && FILTERS[token.filter as FilterName].kind !== definition.kind) {
      issues.push({ field, message: `o filtro ${token.filter} não se aplica a {{${token.object}.${token.field}}}` });
    }
  }
  return issues;
}

/** The root objects (client, event, offer…) the variables of a text refer to. */
export function variableRoots(text: string): VariableRoot[] {
  return scanVariables(text).flatMap(({ token }) =>
    token && variableDefinition(`${token.object}.${token.field}`) ? [token.object as VariableRoot] : [],
  );
}

function formatValue(value: string | number | Date, filter: FilterName | undefined, timeZone: string): string {
  if (value instanceof Date) {
    return filter && filter !== 'moeda' ? formatInstant(value, filter, timeZone) : value.toISOString();
  }
  if (filter === 'moeda') return formatReais(Number(value));
  return String(value);
}

/**
 * Fills a text's variables, formatted in pt-BR in the business time zone. What the context lacks renders
 * empty; a variable this catalog does not know stays as typed (saved templates never have one).
 */
export function renderVariables(text: string, context: RenderContext, timeZone: string): string {
  return replaceVariables(text, (token, whole) => {
    const definition = token ? variableDefinition(`${token.object}.${token.field}`) : undefined;
    if (!token || !definition) return whole;
    const value = definition.read(context);
    if (value === undefined || value === null) return '';
    const filter =
      token.filter !== null && isFilterName(token.filter) && FILTERS[token.filter].kind === definition.kind
        ? token.filter
        : definition.defaultFilter;
    return formatValue(value, filter, timeZone);
  });
}

/** The editor's catalog: every variable with its meaning and how an example renders. */
export function variableCatalog(timeZone: string, example: RenderContext) {
  return {
    variables: Object.entries(VARIABLES).map(([path, definition]) => ({
      path,
      description: definition.description,
      example: renderVariables(`{{${path}}}`, example, timeZone),
      filters: Object.entries(FILTERS)
        .filter(([, filter]) => filter.kind === definition.kind)
        .map(([name]) => name),
    })),
    filters: Object.entries(FILTERS).map(([name, filter]) => ({ name, description: filter.description })),
  };
}
