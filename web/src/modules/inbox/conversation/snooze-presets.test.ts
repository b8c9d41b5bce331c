import { describe, expect, it } from 'vitest';
import { fromLocalInput, inOneHour, nextWeek, toLocalInput, tomorrowAtNine } from './snooze-presets';

// Wednesday 2026-03-11 23:30 in São Paulo (02:30 UTC on Thursday).
const now = new Date('2026-03-12T02:30:00Z');

describe('snooze presets (São Paulo time)', () => {
  it('snoozes for one hour', () => {
    expect(inOneHour(now).toISOString()).toBe('2026-03-12T03:30:00.000Z');
  });

  it('means tomorrow 9 am in São Paulo, not in UTC', () => {
    expect(tomorrowAtNine(now).toISOString()).toBe('2026-03-12T12:00:00.000Z');
  });

  it('means next Monday 9 am', () => {
    expect(nextWeek(now).toISOString()).toBe('2026-03-16T12:00:00.000Z');
    // On a Monday, the one after.
    expect(nextWeek(new Date('2026-03-16T15:00:00Z')).toISOString()).toBe('2026-03-23T12:00:00.000Z');
  });

  it('reads the date-time input as São Paulo time', () => {
    expect(fromLocalInput('2026-03-20T14:30')?.toISOString()).toBe('2026-03-20T17:30:00.000Z');
    expect(fromLocalInput('amanhã')).toBeNull();
    expect(toLocalInput(new Date('2026-03-20T17:30:00Z'))).toBe('2026-03-20T14:30');
  });
});
