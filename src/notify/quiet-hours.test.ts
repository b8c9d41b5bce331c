import { describe, expect, it } from 'vitest';
import { DEFAULT_QUIET_HOURS, quietHoursOf, quietWindowEnd } from './quiet-hours.js';

const SP = 'America/Sao_Paulo';

describe('quiet hours', () => {
  it('defers an evening send to 08:00 the next morning in São Paulo', () => {
    // 22:30 in São Paulo (UTC-3) is 01:30 UTC the next day.
    const end = quietWindowEnd(new Date('2026-12-05T01:30:00Z'), DEFAULT_QUIET_HOURS, SP);
    expect(end?.toISOString()).toBe('2026-12-05T11:00:00.000Z');
  });

  it('defers an early-morning send to 08:00 the same day', () => {
    const end = quietWindowEnd(new Date('2026-12-05T09:15:00Z'), DEFAULT_QUIET_HOURS, SP); // 06:15 local
    expect(end?.toISOString()).toBe('2026-12-05T11:00:00.000Z');
  });

  it('lets sends through during the day and at the exact end of the window', () => {
    expect(quietWindowEnd(new Date('2026-12-05T15:00:00Z'), DEFAULT_QUIET_HOURS, SP)).toBeNull(); // 12:00
    expect(quietWindowEnd(new Date('2026-12-05T11:00:00Z'), DEFAULT_QUIET_HOURS, SP)).toBeNull(); // 08:00
    expect(quietWindowEnd(new Date('2026-12-05T23:59:00Z'), DEFAULT_QUIET_HOURS, SP)).toBeNull(); // 20:59
  });

  it('handles a window that does not cross midnight and a disabled one', () => {
    const lunch = { enabled: true, start: '12:00', end: '14:00' };
    expect(quietWindowEnd(new Date('2026-12-05T16:00:00Z'), lunch, SP)?.toISOString()).toBe('2026-12-05T17:00:00.000Z');
    expect(quietWindowEnd(new Date('2026-12-05T01:30:00Z'), { ...lunch, enabled: false }, SP)).toBeNull();
  });

  it('falls back to the default for missing or malformed settings', () => {
    expect(quietHoursOf({})).toEqual(DEFAULT_QUIET_HOURS);
    expect(quietHoursOf({ quiet_hours: { enabled: true, start: '25:00', end: '08:00' } })).toEqual(DEFAULT_QUIET_HOURS);
    expect(quietHoursOf({ quiet_hours: { enabled: false, start: '22:00', end: '07:00' } }).enabled).toBe(false);
  });
});
