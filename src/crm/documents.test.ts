import { describe, expect, it } from 'vitest';
import { cnpjCheckDigits, documentSearchKey, isValidCnpj, isValidCpf, normalizeDocument } from './documents.js';

describe('CPF', () => {
  it('accepts a CPF whose check digits match, with or without punctuation', () => {
    expect(normalizeDocument('529.982.247-25')).toEqual({ document: '52998224725', kind: 'cpf' });
    expect(normalizeDocument(' 52998224725 ')).toEqual({ document: '52998224725', kind: 'cpf' });
  });

  it('refuses wrong check digits, wrong lengths and repeated digits', () => {
    expect(isValidCpf('52998224724')).toBe(false);
    expect(isValidCpf('52998224752')).toBe(false);
    expect(isValidCpf('5299822472')).toBe(false);
    expect(isValidCpf('11111111111')).toBe(false);
    expect(normalizeDocument('529.982.247-2X')).toBeNull();
  });
});

describe('CNPJ', () => {
  it('accepts today’s numeric CNPJ', () => {
    expect(normalizeDocument('11.222.333/0001-81')).toEqual({ document: '11222333000181', kind: 'cnpj' });
    expect(isValidCnpj('11222333000182')).toBe(false);
  });

  it('computes the alphanumeric check digits with ASCII − 48 values (Receita Federal’s example)', () => {
    expect(cnpjCheckDigits('12ABC34501DE')).toBe('35');
    expect(normalizeDocument('12.abc.345/01de-35')).toEqual({ document: '12ABC34501DE35', kind: 'cnpj' });
    expect(isValidCnpj('12ABC34501DE36')).toBe(false);
  });

  it('keeps the numeric check digits unchanged under the new rule', () => {
    expect(cnpjCheckDigits('112223330001')).toBe('81');
  });

  it('refuses letters in the check digits, lowercase shapes that do not fit, and repeated characters', () => {
    expect(isValidCnpj('12ABC34501DE3A')).toBe(false);
    expect(isValidCnpj('00000000000000')).toBe(false);
    expect(normalizeDocument('12.ABC.345/01DE-3')).toBeNull();
    expect(normalizeDocument('12ABC34501DE35!')).toBeNull();
  });
});

describe('documentSearchKey', () => {
  it('turns a typed document into the stored form, and ignores other text', () => {
    expect(documentSearchKey('529.982.247-25')).toBe('52998224725');
    expect(documentSearchKey('12.abc.345/01de-35')).toBe('12ABC34501DE35');
    expect(documentSearchKey('Maria')).toBeNull();
  });
});
