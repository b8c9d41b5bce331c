import { describe, expect, it } from 'vitest';
import { coversPlace } from './regions.js';

describe('coversPlace', () => {
  it('matches the city ignoring case and accents', () => {
    expect(coversPlace(['sao paulo'], { city: 'São Paulo', state: 'SP' })).toBe(true);
    expect(coversPlace(['SÃO  PAULO '], { city: 'sao paulo' })).toBe(true);
  });

  it('matches the district or the state', () => {
    expect(coversPlace(['Pinheiros'], { city: 'São Paulo', district: 'pinheiros' })).toBe(true);
    expect(coversPlace(['sp'], { city: 'Campinas', state: 'SP' })).toBe(true);
  });

  it('rejects a provider whose regions miss the place', () => {
    expect(coversPlace(['Campinas', 'Santos'], { city: 'São Paulo', state: 'SP' })).toBe(false);
  });

  it('lets a provider without regions, or an event without a place, match anywhere', () => {
    expect(coversPlace([], { city: 'Recife' })).toBe(true);
    expect(coversPlace(['Santos'], {})).toBe(true);
  });
});
