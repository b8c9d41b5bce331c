import { describe, expect, it } from 'vitest';
import { formatMoney } from '../../../shared/format';
import { centsToInput, parseMoney } from './money';

describe('amounts in reais', () => {
  it('reads the ways people type reais as cents', () => {
    expect(parseMoney('1.500')).toBe(150_000);
    expect(parseMoney('1.234,56')).toBe(123_456);
    expect(parseMoney('R$ 80,5')).toBe(8_050);
    expect(parseMoney('99.90')).toBe(9_990);
    expect(parseMoney('2500')).toBe(250_000);
  });

  it('treats an empty field as no value and refuses what is not an amount', () => {
    expect(parseMoney('  ')).toBeNull();
    expect(parseMoney('abc')).toBeUndefined();
    expect(parseMoney('-10')).toBeUndefined();
    expect(parseMoney('1,2,3')).toBeUndefined();
    expect(parseMoney('10,555')).toBeUndefined();
  });

  it('shows cents back in the form and as R$', () => {
    expect(centsToInput(123_456)).toBe('1234,56');
    expect(centsToInput(null)).toBe('');
    expect(formatMoney(150_000).replace(/\s/g, ' ')).toBe('R$ 1.500,00');
  });
});
