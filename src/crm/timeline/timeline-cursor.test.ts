import { describe, expect, it } from 'vitest';
import { encodeCursor, parseBefore } from './timeline-cursor.js';

describe('timeline cursor', () => {
  it('reads a plain ISO instant as "strictly before"', () => {
    expect(parseBefore('2025-06-14T19:00:00-03:00')).toEqual({ at: '2025-06-14T19:00:00-03:00', rank: 0, id: 0 });
  });

  it('round-trips a next_before with microseconds and the tie-breaking kind and id', () => {
    const cursor = encodeCursor('2025-06-14T22:00:00.123456Z', 'deal_stage', 42);
    expect(parseBefore(cursor)).toEqual({ at: '2025-06-14T22:00:00.123456Z', rank: 5, id: 42 });
  });

  it.each([
    'ontem',
    '2025-06-14',
    '2025-06-14T19:00:00',
    '2025-13-40T19:00:00Z~note~1',
    '2025-02-30T19:00:00Z',
    '2025-06-14T25:00:00Z',
    '2025-06-14T19:00:00Z~unknown~1',
    '2025-06-14T19:00:00Z~note~x',
    '2025-06-14T19:00:00Z~note',
    '2025-06-14T19:00:00Z~note~1~2',
  ])('refuses %s', (value) => {
    expect(parseBefore(value)).toBeNull();
  });
});
