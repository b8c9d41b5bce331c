import { normalizeWords } from '../replies/text-normalize.js';

/**
 * Whether a provider's regions cover the event's place. Regions are compared with the event's city,
 * district and state, ignoring case and accents ("sao paulo" covers "São Paulo"). A provider with no
 * regions covers everywhere (nothing was restricted), and so does an event without a place.
 */
export function coversPlace(regions: readonly string[], location: Record<string, unknown>): boolean {
  const wanted = new Set(regions.map(normalizeWords).filter(Boolean));
  if (wanted.size === 0) return true;
  const places = ['city', 'district', 'state']
    .map((key) => location[key])
    .filter((value): value is string => typeof value === 'string')
    .map(normalizeWords)
    .filter(Boolean);
  if (places.length === 0) return true;
  return places.some((place) => wanted.has(place));
}
