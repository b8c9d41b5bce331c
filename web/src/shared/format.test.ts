import { describe, expect, it } from 'vitest';
import { dayOf, formatDay, formatListTime, formatMoney, formatTime, toDate } from './format';

describe('dates in São Paulo time', () => {
  it('shows times in America/Sao_Paulo whatever the machine’s zone', () => {
    // 02:30 UTC is 23:30 of the previous day in São Paulo (UTC−3).
    const late = new Date('2026-03-10T02:30:00Z');
    expect(formatTime(late)).toBe('23:30');
    expect(dayOf(late)).toBe('2026-03-09');
  });

  it('labels today and yesterday, and writes other days in full', () => {
    const now = new Date('2026-03-10T15:00:00Z');
    expect(formatDay(new Date('2026-03-10T12:00:00Z'), now)).toBe('Hoje');
    expect(formatDay(new Date('2026-03-09T12:00:00Z'), now)).toBe('Ontem');
    expect(formatDay(new Date('2026-02-01T12:00:00Z'), now)).toBe('1 de fevereiro de 2026');
    expect(formatDay(new Date('2026-03-09T12:00:00Z'), now, 'en')).toBe('Yesterday');
    expect(formatDay(new Date('2026-02-01T12:00:00Z'), now, 'en')).toBe('February 1, 2026');
    expect(formatListTime(new Date('2026-03-10T12:05:00Z'), now)).toBe('09:05');
    expect(formatListTime(new Date('2026-02-01T12:00:00Z'), now)).toBe('01/02');
  });

  it('reads Unix seconds and ISO strings', () => {
    expect(toDate(1_700_000_000)?.toISOString()).toBe('2023-11-14T22:13:20.000Z');
    expect(toDate('2026-03-10T02:30:00Z')?.getTime()).toBe(Date.parse('2026-03-10T02:30:00Z'));
    expect(toDate(null)).toBeNull();
  });
});

describe('money', () => {
  it('formats reais the Brazilian way', () => {
    expect(formatMoney(123_456).replace(/\s/g, ' ')).toBe('R$ 1.234,56');
  });
});
