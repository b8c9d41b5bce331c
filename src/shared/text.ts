/**
 * PostgreSQL text and jsonb cannot hold the NUL character, which JSON can carry as \u0000. Strips it
 * from every string of a parsed payload, so a webhook carrying one is stored instead of rejected.
 */
export function withoutNul<T>(value: T): T {
  if (typeof value === 'string') return (value.includes('\u0000') ? value.replaceAll('\u0000', '') : value) as T;
  if (Array.isArray(value)) return value.map((item) => withoutNul(item)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [withoutNul(key), withoutNul(item)])) as T;
  }
  return value;
}
