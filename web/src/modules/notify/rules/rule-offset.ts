/** Offsets are stored in minutes; people write them in minutes, hours or days. */
export type OffsetUnit = 'minutes' | 'hours' | 'days';

export const UNIT_MINUTES: Record<OffsetUnit, number> = { minutes: 1, hours: 60, days: 24 * 60 };

/** 1440 → 1 day, 180 → 3 hours, 90 → 90 minutes: the largest unit that divides it evenly. */
export function splitOffset(minutes: number): { amount: number; unit: OffsetUnit } {
  if (minutes > 0 && minutes % UNIT_MINUTES.days === 0) return { amount: minutes / UNIT_MINUTES.days, unit: 'days' };
  if (minutes > 0 && minutes % UNIT_MINUTES.hours === 0) return { amount: minutes / UNIT_MINUTES.hours, unit: 'hours' };
  return { amount: minutes, unit: 'minutes' };
}

/** The typed amount in minutes; null when it is not a whole, non-negative number. */
export function joinOffset(amount: string, unit: OffsetUnit): number | null {
  const text = amount.trim().replace(',', '.');
  if (!/^\d+(\.\d+)?$/.test(text)) return null;
  const minutes = Number(text) * UNIT_MINUTES[unit];
  return Number.isInteger(minutes) ? minutes : null;
}
