import { describe, expect, it } from 'vitest';
import { offerWidth } from '../dispatch-progress.js';
import { rankCandidates } from './candidates.js';

describe('rankCandidates', () => {
  it('ranks by acceptance rate, then rating, then id', () => {
    const ranked = rankCandidates([
      { id: 1, acceptanceRate: 0.5, rating: 5 },
      { id: 2, acceptanceRate: 0.9, rating: 3 },
      { id: 3, acceptanceRate: 0.5, rating: 4.8 },
      { id: 4, acceptanceRate: 0.5, rating: 5 },
    ]);
    expect(ranked.map((candidate) => candidate.id)).toEqual([2, 1, 4, 3]);
  });

  it('treats a provider never offered anything as a middling acceptor and no rating as the lowest', () => {
    const ranked = rankCandidates([
      { id: 1, acceptanceRate: 0.2, rating: 5 },
      { id: 2, acceptanceRate: null, rating: null },
      { id: 3, acceptanceRate: 0.8, rating: null },
      { id: 4, acceptanceRate: null, rating: 4 },
    ]);
    expect(ranked.map((candidate) => candidate.id)).toEqual([3, 4, 2, 1]);
  });
});

describe('offerWidth', () => {
  it('keeps one offer per open place when sequential', () => {
    expect(offerWidth({ strategy: 'sequential', fanout: null }, 2)).toBe(2);
  });

  it('keeps the fan-out (never fewer than the open places) when broadcasting', () => {
    expect(offerWidth({ strategy: 'broadcast', fanout: 5 }, 2)).toBe(5);
    expect(offerWidth({ strategy: 'broadcast', fanout: 1 }, 3)).toBe(3);
    expect(offerWidth({ strategy: 'broadcast', fanout: null }, 2)).toBe(6);
  });
});
