import { describe, expect, it } from 'vitest';
import { AppError } from '../shared/errors.js';
import { labelTitle } from './labels.service.js';

describe('labelTitle', () => {
  it('lowercases and keeps accented letters, digits, "-" and "_"', () => {
    expect(labelTitle('  Orçamento-Ágil_2025 ')).toBe('orçamento-ágil_2025');
  });

  it.each(['com espaço', 'ponto.final', 'emoji🙂', '', '#vip'])('refuses %j with a 422', (title) => {
    expect(() => labelTitle(title)).toThrow(AppError);
    try {
      labelTitle(title);
    } catch (error) {
      expect((error as AppError).status).toBe(422);
    }
  });
});
