import { ApiError } from '../../../shared/api-client';
import { errorMessage } from '../../settings/ui/errors';

export type FieldErrors = Record<string, string>;

/**
 * The API's `details: [{field, message}]` keyed by field path (`conditions.0.values`), for forms whose
 * fields are lists (conditions, actions, parameters) that a fixed name map cannot describe. `toField`
 * rewrites an API path into the form's own.
 */
export function errorsByPath(caught: unknown, toField: (path: string) => string = (path) => path): FieldErrors {
  const errors: FieldErrors = {};
  if (!(caught instanceof ApiError) || !Array.isArray(caught.details)) return errors;
  for (const detail of caught.details as unknown[]) {
    if (!detail || typeof detail !== 'object') continue;
    const { field, message } = detail as { field?: unknown; message?: unknown };
    if (typeof field !== 'string' || typeof message !== 'string') continue;
    const key = toField(field.replace(/^body\./, ''));
    if (!errors[key]) errors[key] = message;
  }
  return errors;
}

/**
 * A failed save: the messages per field and one alert. When the form shows every field the API named
 * (`isShown`), the alert points at them ("Confira os campos destacados") instead of repeating the API's
 * sentence, which lists raw paths; otherwise the API's sentence is the alert.
 */
export function saveProblems(
  caught: unknown,
  texts: { generic: string; fixFields: string },
  options: { toField?: (path: string) => string; isShown?: (field: string) => boolean } = {},
): { errors: FieldErrors; alert: string } {
  const errors = errorsByPath(caught, options.toField);
  const fields = Object.keys(errors);
  const isShown = options.isShown ?? (() => caught instanceof ApiError && caught.code === 'validation_failed');
  const placed = fields.length > 0 && fields.every(isShown);
  return { errors, alert: placed ? texts.fixFields : errorMessage(caught, texts.generic) };
}
