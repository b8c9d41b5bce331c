import { z } from 'zod';
import { localParts, minutesOfDay, zonedInstant } from '../shared/zoned-time.js';

const HHMM = z.string().regex(/^([01]\d|2[0-3]):([0-5]\d)$/, { error: 'use HH:mm' });

export const QuietHoursSchema = z.object({ enabled: z.boolean(), start: HHMM, end: HHMM });
export type QuietHours = z.infer<typeof QuietHoursSchema>;

/** The default every account starts with: no automated, non-essential sends from 21:00 to 08:00. */
export const DEFAULT_QUIET_HOURS: QuietHours = { enabled: true, start: '21:00', end: '08:00' };

export function quietHoursOf(settings: Record<string, unknown> | null | undefined): QuietHours {
  const parsed = QuietHoursSchema.safeParse(settings?.quiet_hours);
  return parsed.success ? parsed.data : DEFAULT_QUIET_HOURS;
}

/**
 * When `at` falls inside the quiet window (in the business time zone), the instant the window ends;
 * otherwise null. A window may cross midnight (21:00–08:00) or not (12:00–14:00).
 */
export function quietWindowEnd(at: Date, quiet: QuietHours, timeZone: string): Date | null {
  if (!quiet.enabled) return null;
  const start = minutesOfDay(quiet.start) ?? 0;
  const end = minutesOfDay(quiet.end) ?? 0;
  if (start === end) return null;
  const local = localParts(at, timeZone);
  const now = local.hour * 60 + local.minute;
  const crossesMidnight = start > end;
  const inside = crossesMidnight ? now >= start || now < end : now >= start && now < end;
  if (!inside) return null;
  // Ends today, unless we are in the evening part of a window that crosses midnight.
  const day = crossesMidnight && now >= start ? local.day + 1 : local.day;
  return zonedInstant(
    { year: local.year, month: local.month, day, hour: Math.floor(end / 60), minute: end % 60 },
    timeZone,
  );
}
