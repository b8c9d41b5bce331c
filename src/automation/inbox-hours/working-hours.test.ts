import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors.js';
import {
  DEFAULT_WORKING_HOURS,
  isOpenAt,
  mergeWorkingHours,
  nextOpening,
  storedWorkingHours,
} from './working-hours.js';

const SP = 'America/Sao_Paulo';
// 2026-11-23 is a Monday; São Paulo is UTC-3 all year.
const at = (local: string) => new Date(`${local}-03:00`);

describe('business hours', () => {
  it('is open Monday to Friday 09:00–17:00 by default, as Chatwoot starts an inbox', () => {
    const days = storedWorkingHours([]);
    expect(isOpenAt(days, at('2026-11-23T09:00:00'), SP)).toBe(true);
    expect(isOpenAt(days, at('2026-11-23T16:59:00'), SP)).toBe(true);
    expect(isOpenAt(days, at('2026-11-23T17:00:00'), SP)).toBe(false);
    expect(isOpenAt(days, at('2026-11-23T08:59:00'), SP)).toBe(false);
    expect(isOpenAt(days, at('2026-11-22T12:00:00'), SP)).toBe(false);
  });

  it('reads the wall clock in the inbox time zone', () => {
    const days = storedWorkingHours([]);
    // 10:00 in São Paulo is 08:00 in New York (UTC-5 in November).
    expect(isOpenAt(days, at('2026-11-23T10:00:00'), SP)).toBe(true);
    expect(isOpenAt(days, at('2026-11-23T10:00:00'), 'America/New_York')).toBe(false);
  });

  it('counts a day closing at 23:59 as open until midnight, and open_all_day as open all day', () => {
    const days = mergeWorkingHours(
      [],
      [
        { day_of_week: 1, open_hour: 18, open_minutes: 0, close_hour: 23, close_minutes: 59 },
        { day_of_week: 0, open_all_day: true, closed_all_day: false },
      ],
    );
    expect(isOpenAt(days, at('2026-11-23T23:59:30'), SP)).toBe(true);
    expect(isOpenAt(days, at('2026-11-22T03:00:00'), SP)).toBe(true);
  });

  it('finds the next opening: later today, tomorrow, or after a weekend', () => {
    const days = storedWorkingHours(DEFAULT_WORKING_HOURS);
    expect(nextOpening(days, at('2026-11-23T07:00:00'), SP)).toEqual(at('2026-11-23T09:00:00'));
    expect(nextOpening(days, at('2026-11-23T20:00:00'), SP)).toEqual(at('2026-11-24T09:00:00'));
    expect(nextOpening(days, at('2026-11-27T18:00:00'), SP)).toEqual(at('2026-11-30T09:00:00'));
  });

  it('has no next opening when every day is closed', () => {
    const days = mergeWorkingHours(
      [],
      [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day_of_week: day, closed_all_day: true })),
    );
    expect(nextOpening(days, at('2026-11-23T10:00:00'), SP)).toBeNull();
  });

  it('merges the given days into the current ones, keeping the rest', () => {
    const days = mergeWorkingHours(DEFAULT_WORKING_HOURS, [
      { day_of_week: 6, closed_all_day: false, open_hour: 8, open_minutes: 30, close_hour: 12, close_minutes: 0 },
    ]);
    expect(days).toHaveLength(7);
    expect(days[6]).toMatchObject({ closed_all_day: false, open_hour: 8, open_minutes: 30, close_hour: 12 });
    expect(days[1]).toEqual(DEFAULT_WORKING_HOURS[1]);
  });

  it('refuses bad hours with every problem named', () => {
    const attempt = () =>
      mergeWorkingHours(
        [],
        [
          { day_of_week: 1, open_hour: 25, open_minutes: 0, close_hour: 17, close_minutes: 0 },
          { day_of_week: 2, open_hour: 18, open_minutes: 0, close_hour: 9, close_minutes: 0 },
          { day_of_week: 9 },
          { day_of_week: 2, closed_all_day: true },
          { day_of_week: 3, closed_all_day: true, open_all_day: true },
        ],
      );
    expect(attempt).toThrow(AppError);
    try {
      attempt();
    } catch (error) {
      expect((error as AppError).status).toBe(422);
      expect((error as AppError).details).toEqual([
        { field: 'working_hours.0.open_hour', message: expect.any(String) },
        { field: 'working_hours.1.close_hour', message: 'o fechamento deve ser depois da abertura' },
        { field: 'working_hours.2.day_of_week', message: expect.any(String) },
        { field: 'working_hours.3.day_of_week', message: 'dia repetido' },
        { field: 'working_hours.4.open_all_day', message: expect.any(String) },
      ]);
    }
  });
});
