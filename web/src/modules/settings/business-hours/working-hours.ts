import type { WorkingHoursDay } from '../settings.api';

const pad = (value: number) => String(value).padStart(2, '0');

/** 9, 0 → "09:00" (what <input type="time"> shows); '' when unset. */
export function timeOf(hour: number | null, minutes: number | null): string {
  return hour === null ? '' : `${pad(hour)}:${pad(minutes ?? 0)}`;
}

/** "09:30" → {hour: 9, minutes: 30}; null for anything else. */
export function parseTime(text: string): { hour: number; minutes: number } | null {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return match ? { hour: Number(match[1]), minutes: Number(match[2]) } : null;
}

const closedDay = (day: number): WorkingHoursDay => ({
  day_of_week: day,
  closed_all_day: true,
  open_all_day: false,
  open_hour: null,
  open_minutes: null,
  close_hour: null,
  close_minutes: null,
});

/** Seven days, Sunday first, whatever the inbox sent (missing days are closed). */
export function weekOf(days: WorkingHoursDay[] | undefined): WorkingHoursDay[] {
  return [0, 1, 2, 3, 4, 5, 6].map((day) => days?.find((item) => item.day_of_week === day) ?? closedDay(day));
}

/** The days whose hours cannot be saved: an open day needs an opening before its closing. */
export function invalidDays(days: WorkingHoursDay[]): number[] {
  return days
    .filter((day) => !day.closed_all_day && !day.open_all_day)
    .filter((day) => {
      if (day.open_hour === null || day.close_hour === null) return true;
      return day.open_hour * 60 + (day.open_minutes ?? 0) >= day.close_hour * 60 + (day.close_minutes ?? 0);
    })
    .map((day) => day.day_of_week);
}
