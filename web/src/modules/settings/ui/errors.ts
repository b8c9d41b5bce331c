import { ApiError } from '../../../shared/api-client';

/** The API's sentence for a failure (never raw JSON); `fallback` for anything else. */
export function errorMessage(caught: unknown, fallback: string): string {
  return caught instanceof ApiError ? caught.message : fallback;
}

/**
 * The API's `details: [{field, message}]` as messages per form field. `paths` maps the API's field path
 * (e.g. `channel.provider_config.api_key`, or just its last segment) to the form's field name.
 */
export function fieldErrors<K extends string>(caught: unknown, paths: Record<string, K>): Partial<Record<K, string>> {
  const errors: Partial<Record<K, string>> = {};
  if (!(caught instanceof ApiError) || !Array.isArray(caught.details)) return errors;
  for (const detail of caught.details as unknown[]) {
    if (!detail || typeof detail !== 'object') continue;
    const { field, message } = detail as { field?: unknown; message?: unknown };
    if (typeof field !== 'string' || typeof message !== 'string') continue;
    const key = paths[field] ?? paths[field.split('.').at(-1) ?? ''];
    if (key && !errors[key]) errors[key] = message;
  }
  return errors;
}

/**
 * What a failed form submission shows: each field's message beside it, and one alert. When the API's
 * only complaint is about fields it named (`validation_failed`, whose message lists raw field paths),
 * the alert points at the highlighted fields instead; any other sentence from the API is shown as is.
 */
export function formProblems<K extends string>(
  caught: unknown,
  paths: Record<string, K>,
  texts: { generic: string; fixFields: string },
): { errors: Partial<Record<K, string>>; alert: string } {
  const errors = fieldErrors(caught, paths);
  const details = caught instanceof ApiError && Array.isArray(caught.details) ? caught.details.length : 0;
  const allPlaced = details > 0 && Object.keys(errors).length > 0 && allFieldsKnown(caught, paths);
  const alert =
    allPlaced && caught instanceof ApiError && caught.code === 'validation_failed'
      ? texts.fixFields
      : errorMessage(caught, texts.generic);
  return { errors, alert };
}

function allFieldsKnown(caught: unknown, paths: Record<string, string>): boolean {
  if (!(caught instanceof ApiError) || !Array.isArray(caught.details)) return false;
  return (caught.details as Array<{ field?: unknown }>).every(
    (detail) =>
      typeof detail?.field === 'string' && (detail.field in paths || (detail.field.split('.').at(-1) ?? '') in paths),
  );
}
