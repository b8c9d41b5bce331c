import { dayOf } from '../../../shared/format';

// São Paulo has kept UTC−3 all year since 2019 (no daylight saving time).
const SAO_PAULO_OFFSET = '-03:00';
const DAY_MS = 86_400_000;

const weekday = new Intl.DateTimeFormat('en-US', { timeZone: 'America/Sao_Paulo', weekday: 'short' });
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** 09:00 in São Paulo on the business day `days` after `now`'s. */
function nineAm(now: Date, days: number): Date {
  return new Date(`${dayOf(new Date(now.getTime() + days * DAY_MS))}T09:00:00${SAO_PAULO_OFFSET}`);
}

export function inOneHour(now = new Date()): Date {
  return new Date(now.getTime() + 3_600_000);
}

export function tomorrowAtNine(now = new Date()): Date {
  return nineAm(now, 1);
}

/** Next Monday at 09:00 São Paulo time (a week ahead when today is Monday). */
export function nextWeek(now = new Date()): Date {
  const today = WEEKDAYS.indexOf(weekday.format(now));
  const days = (8 - today) % 7 || 7;
  return nineAm(now, days);
}

/** A datetime-local value ("2026-03-12T14:30"), read as São Paulo time; null when not a valid date. */
export function fromLocalInput(value: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return null;
  const date = new Date(`${value}:00${SAO_PAULO_OFFSET}`);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The datetime-local value for a moment, in São Paulo time (the input's min, default). */
export function toLocalInput(date: Date): string {
  const shifted = new Date(date.getTime() - 3 * 3_600_000);
  return shifted.toISOString().slice(0, 16);
}
