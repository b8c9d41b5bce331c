import { describe, expect, it } from 'vitest';
import { createActiveRulesCache } from './active-rules-cache.js';

function setup(initial: Record<number, string[]>) {
  const stored = { ...initial };
  let time = 0;
  let loads = 0;
  const cache = createActiveRulesCache({
    load: async (accountId) => {
      loads++;
      return stored[accountId] ?? [];
    },
    ttlMs: 1_000,
    now: () => time,
  });
  return {
    cache,
    stored,
    advance: (ms: number) => {
      time += ms;
    },
    loads: () => loads,
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('active rules cache', () => {
  it('says maybe for an account it has not loaded, then answers from the loaded names', async () => {
    const { cache } = setup({ 1: ['message_created'] });
    expect(cache.mayHave(1, ['conversation_resolved'])).toBe(true);
    await settle();
    expect(cache.mayHave(1, ['conversation_resolved'])).toBe(false);
    expect(cache.mayHave(1, ['conversation_resolved', 'message_created'])).toBe(true);
  });

  it('sees another process’s change once the entry expires', async () => {
    const { cache, stored, advance } = setup({ 1: [] });
    cache.mayHave(1, ['message_created']);
    await settle();
    stored[1] = ['message_created'];
    expect(cache.mayHave(1, ['message_created'])).toBe(false);
    advance(1_001);
    cache.mayHave(1, ['message_created']);
    await settle();
    expect(cache.mayHave(1, ['message_created'])).toBe(true);
  });

  it('reloads at once when a rule of the account changed here', async () => {
    const { cache, stored } = setup({ 1: [] });
    cache.mayHave(1, ['event_created']);
    await settle();
    stored[1] = ['event_created'];
    await cache.changed(1);
    expect(cache.mayHave(1, ['event_created'])).toBe(true);
  });

  it('shares one load between concurrent lookups', async () => {
    const { cache, loads } = setup({ 1: ['message_created'] });
    cache.mayHave(1, ['message_created']);
    cache.mayHave(1, ['message_created']);
    await settle();
    expect(loads()).toBe(1);
  });
});
