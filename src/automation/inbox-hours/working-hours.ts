import { AppError } from '../../shared/errors.js';
import { localParts, zonedInstant } from '../../shared/zoned-time.js';

/** One day of an inbox's business hours, in Chatwoot's shape (day_of_week 0 = Sunday). */
export interface WorkingHoursDay {
  day_of_week: number;
  closed_all_day: boolean;
  open_all_day: boolean;
  open_hour: number | null;
  open_minutes: number | null;
  close_hour: number | null;
  close_minutes: number | null;
}

/** A day as a client may send it: anything not given keeps its current value. */
export interface WorkingHoursDayInput {
  day_of_week: number;
  closed_all_day?: boolean | undefined;
  open_all_day?: boolean | undefined;
  open_hour?: number | null | undefined;
  open_minutes?: number | null | undefined;
  close_hour?: number | null | undefined;
  close_minutes?: number | null | undefined;
}

const closed = (day: number): WorkingHoursDay => ({
  day_of_week: day,
  closed_all_day: true,
  open_all_day: false,
  open_hour: null,
  open_minutes: null,
  close_hour: null,
  close_minutes: null,
});

const open = (day: number, from: number, to: number): WorkingHoursDay => ({
  day_of_week: day,
  closed_all_day: false,
  open_all_day: false,
  open_hour: from,
  open_minutes: 0,
  close_hour: to,
  close_minutes: 0,
});

/** What Chatwoot gives a new inbox: Monday to Friday, 09:00–17:00. */
export const DEFAULT_WORKING_HOURS: readonly WorkingHoursDay[] = [
  closed(0),
  open(1, 9, 17),
  open(2, 9, 17),
  open(3, 9, 17),
  open(4, 9, 17),
  open(5, 9, 17),
  closed(6),
];

// Chatwoot's widest day ends at 23:59; counting that minute as open keeps "until midnight" open.
const END_OF_DAY = 24 * 60;
const minutesOf = (hour: number | null, minutes: number | null) => (hour ?? 0) * 60 + (minutes ?? 0);
const closeMinutesOf = (day: WorkingHoursDay) => {
  const close = minutesOf(day.close_hour, day.close_minutes);
  return close === END_OF_DAY - 1 ? END_OF_DAY : close;
};

/** The stored days (seven, Sunday first), falling back to the default for what is missing or malformed. */
export function storedWorkingHours(stored: unknown): WorkingHoursDay[] {
  const byDay = new Map<number, WorkingHoursDay>();
  if (Array.isArray(stored)) {
    for (const entry of stored) {
      const day = entry as Partial<WorkingHoursDay>;
      if (typeof day.day_of_week === 'number') byDay.set(day.day_of_week, { ...closed(day.day_of_week), ...day });
    }
  }
  return DEFAULT_WORKING_HOURS.map((fallback) => byDay.get(fallback.day_of_week) ?? fallback);
}

type Problem = { field: string; message: string };

const isInt = (value: unknown, min: number, max: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;

function checkDay(day: WorkingHoursDay, at: string, problems: Problem[]) {
  if (day.closed_all_day && day.open_all_day) {
    problems.push({ field: `${at}.open_all_day`, message: 'um dia não pode estar aberto e fechado o dia todo' });
    return;
  }
  if (day.closed_all_day || day.open_all_day) return;
  const before = problems.length;
  for (const [key, max] of [
    ['open_hour', 23],
    ['close_hour', 23],
    ['open_minutes', 59],
    ['close_minutes', 59],
  ] as const) {
    if (!isInt(day[key], 0, max)) problems.push({ field: `${at}.${key}`, message: `informe um inteiro de 0 a ${max}` });
  }
  if (problems.length > before) return;
  if (closeMinutesOf(day) <= minutesOf(day.open_hour, day.open_minutes)) {
    problems.push({ field: `${at}.close_hour`, message: 'o fechamento deve ser depois da abertura' });
  }
}

/**
 * The inbox's seven days after applying the given ones (matched by day_of_week, as Chatwoot's
 * PATCH does). Bad hours are refused with 422, each problem naming its field.
 */
export function mergeWorkingHours(current: unknown, given: readonly WorkingHoursDayInput[]): WorkingHoursDay[] {
  const days = storedWorkingHours(current);
  const problems: Problem[] = [];
  const seen = new Set<number>();
  given.forEach((input, index) => {
    const at = `working_hours.${index}`;
    if (!isInt(input.day_of_week, 0, 6)) {
      problems.push({ field: `${at}.day_of_week`, message: 'use 0 (domingo) a 6 (sábado)' });
      return;
    }
    if (seen.has(input.day_of_week)) {
      problems.push({ field: `${at}.day_of_week`, message: 'dia repetido' });
      return;
    }
    seen.add(input.day_of_week);
    const base = days[input.day_of_week] ?? closed(input.day_of_week);
    const merged: WorkingHoursDay = { ...base };
    for (const key of Object.keys(input) as Array<keyof WorkingHoursDayInput>) {
      if (input[key] !== undefined) Object.assign(merged, { [key]: input[key] });
    }
    // Opening a closed day with hours only (as Chatwoot's UI does) means it is no longer closed.
    if (input.closed_all_day === undefined && input.open_hour !== undefined && input.open_hour !== null) {
      merged.closed_all_day = false;
    }
    if (!merged.closed_all_day && !merged.open_all_day) {
      merged.open_minutes ??= 0;
      merged.close_minutes ??= 0;
    }
    const before = problems.length;
    checkDay(merged, at, problems);
    if (problems.length > before) return;
    days[input.day_of_week] = normalized(merged);
  });
  if (problems.length > 0) {
    throw new AppError('unprocessable', 'Horário de atendimento inválido.', problems);
  }
  return days;
}

function normalized(day: WorkingHoursDay): WorkingHoursDay {
  if (day.closed_all_day) return closed(day.day_of_week);
  if (day.open_all_day) {
    return { ...day, open_hour: 0, open_minutes: 0, close_hour: 23, close_minutes: 59 };
  }
  return day;
}

function isOpenDayAt(day: WorkingHoursDay | undefined, minuteOfDay: number): boolean {
  if (!day || day.closed_all_day) return false;
  if (day.open_all_day) return true;
  return minuteOfDay >= minutesOf(day.open_hour, day.open_minutes) && minuteOfDay < closeMinutesOf(day);
}

/** Whether the inbox is within its business hours at `at` (wall clock in `timeZone`). */
export function isOpenAt(days: readonly WorkingHoursDay[], at: Date, timeZone: string): boolean {
  const local = localParts(at, timeZone);
  return isOpenDayAt(
    days.find((day) => day.day_of_week === local.weekday),
    local.hour * 60 + local.minute,
  );
}

/**
 * When the inbox opens next after `at`, or null if no day of the week opens. While closed, this
 * names the closed period: the out-of-office reply goes once per conversation for each one.
 */
export function nextOpening(days: readonly WorkingHoursDay[], at: Date, timeZone: string): Date | null {
  const local = localParts(at, timeZone);
  for (let offset = 0; offset <= 7; offset++) {
    const day = days.find((candidate) => candidate.day_of_week === (local.weekday + offset) % 7);
    if (!day || day.closed_all_day) continue;
    const opensAt = day.open_all_day ? 0 : minutesOf(day.open_hour, day.open_minutes);
    const instant = zonedInstant(
      {
        year: local.year,
        month: local.month,
        day: local.day + offset,
        hour: Math.floor(opensAt / 60),
        minute: opensAt % 60,
      },
      timeZone,
    );
    if (instant.getTime() > at.getTime()) return instant;
  }
  return null;
}

/** Whether a time zone name is one the runtime knows (IANA, e.g. America/Sao_Paulo). */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}
