import { describe, expect, it } from 'vitest';
import type { Inbox } from '../../db/schema.js';
import { createInboxLookup } from './inbox-lookup.js';

const inbox = { id: 7, phone_number_id: '123' } as Inbox;

function lookupWith(found: Inbox | undefined) {
  let loads = 0;
  let time = 1_000;
  const lookup = createInboxLookup({
    load: async () => {
      loads++;
      return found;
    },
    ttlMs: 5_000,
    now: () => time,
  });
  return { lookup, loads: () => loads, advance: (ms: number) => (time += ms) };
}

describe('inbox lookup by phone number id', () => {
  it('answers repeated and concurrent lookups from one query while the entry is fresh', async () => {
    const { lookup, loads } = lookupWith(inbox);
    const results = await Promise.all([lookup.get('123'), lookup.get('123')]);
    expect(await lookup.get('123')).toBe(inbox);
    expect(results).toEqual([inbox, inbox]);
    expect(loads()).toBe(1);
  });

  it('queries again once the entry is older than its time to live', async () => {
    const { lookup, loads, advance } = lookupWith(inbox);
    await lookup.get('123');
    advance(5_001);
    await lookup.get('123');
    expect(loads()).toBe(2);
  });

  it('does not remember a number no inbox owns, so a new inbox routes at once', async () => {
    const { lookup, loads } = lookupWith(undefined);
    expect(await lookup.get('999')).toBeNull();
    expect(await lookup.get('999')).toBeNull();
    expect(loads()).toBe(2);
  });

  it('queries again after forget', async () => {
    const { lookup, loads } = lookupWith(inbox);
    await lookup.get('123');
    lookup.forget('123');
    await lookup.get('123');
    expect(loads()).toBe(2);
  });
});
