import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  eventsByDay,
  monthGrid,
  offsetAt,
  rangeOf,
  startOfDay,
  toLocalInput,
  toZonedIso,
  weekOf,
} from './calendar';

const timed = (id: number, starts_at: string, ends_at: string) => ({ id, starts_at, ends_at });

describe('the calendar grid (São Paulo days)', () => {
  it('lays a month out in whole Sunday-to-Saturday weeks', () => {
    // June 2025 starts on a Sunday and ends on a Monday: 5 rows, the last reaching into July.
    const weeks = monthGrid('2025-06-18');
    expect(weeks).toHaveLength(5);
    expect(weeks[0]?.[0]).toBe('2025-06-01');
    expect(weeks[4]).toEqual([
      '2025-06-29',
      '2025-06-30',
      '2025-07-01',
      '2025-07-02',
      '2025-07-03',
      '2025-07-04',
      '2025-07-05',
    ]);
  });

  it('starts a month that begins mid-week on the Sunday before, and fits February in 4 rows when it can', () => {
    expect(monthGrid('2026-03-01')[0]?.[0]).toBe('2026-03-01');
    expect(monthGrid('2025-10-10')[0]?.[0]).toBe('2025-09-28');
    expect(monthGrid('2026-02-14')).toHaveLength(4);
  });

  it('finds the week of a day and steps across months and years', () => {
    expect(weekOf('2025-06-07')).toEqual([
      '2025-06-01',
      '2025-06-02',
      '2025-06-03',
      '2025-06-04',
      '2025-06-05',
      '2025-06-06',
      '2025-06-07',
    ]);
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addMonths('2025-01-31', 1)).toBe('2025-02-01');
    expect(addMonths('2025-01-15', -1)).toBe('2024-12-01');
  });
});

describe('São Paulo wall-clock times', () => {
  it('writes a datetime-local value with São Paulo’s offset, and reads an instant back', () => {
    expect(toZonedIso('2025-06-07T19:00')).toBe('2025-06-07T19:00:00-03:00');
    expect(toLocalInput(new Date('2025-06-07T22:00:00Z'))).toBe('2025-06-07T19:00');
    expect(offsetAt(new Date('2025-01-01T12:00:00Z'))).toBe('-03:00');
  });

  it('used the daylight-saving offset when São Paulo had one (2018)', () => {
    expect(toZonedIso('2018-12-01T10:00')).toBe('2018-12-01T10:00:00-02:00');
  });

  it('asks the API for [first day 00:00, day after the last 00:00) in São Paulo time', () => {
    expect(rangeOf(weekOf('2025-06-07'))).toEqual({
      from: '2025-06-01T00:00:00-03:00',
      to: '2025-06-08T00:00:00-03:00',
    });
    expect(startOfDay('2025-06-07').toISOString()).toBe('2025-06-07T03:00:00.000Z');
  });

  it('puts an event on its São Paulo day, and an overnight one on both days', () => {
    const days = weekOf('2025-06-07');
    const byDay = eventsByDay(
      [
        // 23:30 in São Paulo on Saturday 7, although it is already Sunday in UTC.
        timed(1, '2025-06-08T02:30:00Z', '2025-06-08T04:00:00Z'),
        timed(2, '2025-06-06T23:00:00Z', '2025-06-07T05:00:00Z'),
        timed(3, '2025-06-02T15:00:00Z', '2025-06-02T18:00:00Z'),
      ],
      days,
    );
    expect(byDay.get('2025-06-07')?.map((event) => event.id)).toEqual([2, 1]);
    expect(byDay.get('2025-06-06')?.map((event) => event.id)).toEqual([2]);
    expect(byDay.get('2025-06-02')?.map((event) => event.id)).toEqual([3]);
    expect(byDay.get('2025-06-03')).toEqual([]);
  });
});
