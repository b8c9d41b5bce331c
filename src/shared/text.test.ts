import { describe, expect, it } from 'vitest';
import { clip, parseJsonWithoutNul, withoutNul } from './text.js';

describe('clip', () => {
  it('keeps a short text and cuts a long one at the limit', () => {
    expect(clip('Maria', 10)).toBe('Maria');
    expect(clip('Maria Silva', 5)).toBe('Maria');
  });

  it('never leaves half of a character made of two UTF-16 units', () => {
    expect(clip('ab😀c', 3)).toBe('ab');
    expect(clip('ab😀c', 4)).toBe('ab😀');
  });
});

describe('withoutNul', () => {
  it('strips NUL from every string of a parsed payload, keys included', () => {
    expect(withoutNul({ 'a\u0000b': ['x\u0000', 1, null] })).toEqual({ ab: ['x', 1, null] });
  });
});

describe('parseJsonWithoutNul', () => {
  it('strips the NUL a \\u0000 escape carries, and parses the rest as JSON.parse does', () => {
    expect(parseJsonWithoutNul('{"text":"a\\u0000b"}')).toEqual({ text: 'ab' });
    expect(parseJsonWithoutNul('{"text":"ab","n":[1,2]}')).toEqual({ text: 'ab', n: [1, 2] });
  });
});
