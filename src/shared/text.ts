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

/** At most `max` UTF-16 units (what zod's max() counts), never cutting a character in two. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  // A high surrogate at the cut would leave half of an emoji behind.
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return text.slice(0, end);
}

/**
 * JSON.parse, then withoutNul — which only a `\u0000` escape in the text can make necessary, so a payload
 * without one (nearly all) is not copied.
 */
export function parseJsonWithoutNul(text: string): unknown {
  const parsed: unknown = JSON.parse(text);
  return text.includes('\\u0000') ? withoutNul(parsed) : parsed;
}
