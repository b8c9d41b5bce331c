import { dayOf, TIME_ZONE } from '../../../shared/format';

/**
 * Calendar arithmetic in the business time zone. Days are 'YYYY-MM-DD' keys (São Paulo calendar days),
 * counted with UTC date maths so the browser's own zone never leaks in; instants come from the API in UTC.
 */

export type DayKey = string;

const pad = (value: number) => String(value).padStart(2, '0');

function partsOf(day: DayKey): [number, number, number] {
  const [year = 1970, month = 1, date = 1] = day.split('-').map(Number);
  return [year, month, date];
}

const keyOfUtc = (utc: Date): DayKey =>
  `${utc.getUTCFullYear()}-${pad(utc.getUTCMonth() + 1)}-${pad(utc.getUTCDate())}`;

export function addDays(day: DayKey, count: number): DayKey {
  const [year, month, date] = partsOf(day);
  return keyOfUtc(new Date(Date.UTC(year, month - 1, date + count)));
}

/** The first day of the month `count` months away from `day`'s month. */
export function addMonths(day: DayKey, count: number): DayKey {
  const [year, month] = partsOf(day);
  return keyOfUtc(new Date(Date.UTC(year, month - 1 + count, 1)));
}

/** 0 = Sunday … 6 = Saturday. */
export const weekdayOf = (day: DayKey) => {
  const [year, month, date] = partsOf(day);
  return new Date(Date.UTC(year, month - 1, date)).getUTCDay();
};

/** The week (Sunday to Saturday, as Brazilian calendars show it) holding `day`. */
export function weekOf(day: DayKey): DayKey[] {
  const sunday = addDays(day, -weekdayOf(day));
  return Array.from({ length: 7 }, (_, index) => addDays(sunday, index));
}

/** Whole weeks covering `day`'s month: 4 to 6 rows of 7 days, with the neighbouring months' days around. */
export function monthGrid(day: DayKey): DayKey[][] {
  const first = addMonths(day, 0);
  const nextFirst = addMonths(day, 1);
  const weeks: DayKey[][] = [];
  for (let sunday = addDays(first, -weekdayOf(first)); sunday < nextFirst; sunday = addDays(sunday, 7)) {
    weeks.push(weekOf(sunday));
  }
  return weeks;
}

export const sameMonth = (a: DayKey, b: DayKey) => a.slice(0, 7) === b.slice(0, 7);

const offsetFormat = new Intl.DateTimeFormat('en-US', { timeZone: TIME_ZONE, timeZoneName: 'longOffset' });

/** São Paulo's UTC offset at an instant, as "-03:00". */
export function offsetAt(instant: Date): string {
  const name = offsetFormat.formatToParts(instant).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /GMT([+-]\d{2}):?(\d{2})?/.exec(name);
  return match ? `${match[1]}:${match[2] ?? '00'}` : '+00:00';
}

const offsetMinutes = (offset: string) => {
  const sign = offset.startsWith('-') ? -1 : 1;
  const [hours = 0, minutes = 0] = offset.slice(1).split(':').map(Number);
  return sign * (hours * 60 + minutes);
};

/** A wall-clock time in São Paulo ('YYYY-MM-DDTHH:mm', as <input type="datetime-local"> gives it) as ISO 8601 with offset. */
export function toZonedIso(local: string): string {
  const [day = '1970-01-01', time = '00:00'] = local.split('T');
  const [year, month, date] = partsOf(day);
  const [hours = 0, minutes = 0] = time.split(':').map(Number);
  const asUtc = Date.UTC(year, month - 1, date, hours, minutes);
  // The offset in force at that wall time (São Paulo has had no daylight saving since 2019, but it did before).
  const offset = offsetAt(new Date(asUtc - offsetMinutes(offsetAt(new Date(asUtc))) * 60_000));
  return `${day}T${pad(hours)}:${pad(minutes)}:00${offset}`;
}

/** The instant São Paulo's `day` starts. */
export const startOfDay = (day: DayKey): Date => new Date(toZonedIso(`${day}T00:00`));

const localParts = new Intl.DateTimeFormat('en-CA', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** An instant as São Paulo's wall clock, 'YYYY-MM-DDTHH:mm' (for datetime-local inputs). */
export function toLocalInput(instant: Date): string {
  const parts = Object.fromEntries(localParts.formatToParts(instant).map((part) => [part.type, part.value]));
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

/** The API's [from, to) for a run of days: from the first day's start to the day after the last. */
export function rangeOf(days: DayKey[]): { from: string; to: string } {
  const first = days[0] ?? dayOf(new Date());
  const last = days.at(-1) ?? first;
  return { from: toZonedIso(`${first}T00:00`), to: toZonedIso(`${addDays(last, 1)}T00:00`) };
}

interface Timed {
  starts_at: string;
  ends_at: string;
}

/** Each day's events (those overlapping it, an overnight party on both days), in start order. */
export function eventsByDay<T extends Timed>(events: T[], days: DayKey[]): Map<DayKey, T[]> {
  const byDay = new Map<DayKey, T[]>(days.map((day) => [day, []]));
  const sorted = [...events].sort((a, b) => a.starts_at.localeCompare(b.starts_at));
  for (const event of sorted) {
    const starts = new Date(event.starts_at).getTime();
    const ends = new Date(event.ends_at).getTime();
    for (const day of days) {
      const dayStart = startOfDay(day).getTime();
      const dayEnd = startOfDay(addDays(day, 1)).getTime();
      if (starts < dayEnd && ends > dayStart) byDay.get(day)?.push(event);
    }
  }
  return byDay;
}

export const today = (now = new Date()): DayKey => dayOf(now);
