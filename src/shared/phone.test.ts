import { describe, expect, it } from 'vitest';
import { normalizePhone, whatsappVariants } from './phone.js';

describe('normalizePhone', () => {
  it('gives both forms of a Brazilian mobile the same key and the 9-digit E.164', () => {
    const withNine = normalizePhone('5511987654321');
    const withoutNine = normalizePhone('551187654321');
    expect(withNine).toEqual({ e164: '+5511987654321', key: '551187654321' });
    expect(withoutNine).toEqual(withNine);
  });

  it('reads numbers as people type them, Brazilian when there is no country code', () => {
    expect(normalizePhone('(11) 98765-4321')?.e164).toBe('+5511987654321');
    expect(normalizePhone('+55 11 98765-4321')?.e164).toBe('+5511987654321');
    expect(normalizePhone('11 8765-4321')?.e164).toBe('+5511987654321');
  });

  it('keeps Brazilian landlines as they are', () => {
    expect(normalizePhone('+55 11 3333-4444')).toEqual({ e164: '+551133334444', key: '551133334444' });
  });

  it('keeps numbers of other countries', () => {
    expect(normalizePhone('+1 415 555 2671')).toEqual({ e164: '+14155552671', key: '14155552671' });
    expect(normalizePhone('972987654321')?.e164).toBe('+972987654321');
  });

  it('refuses what is not a phone number', () => {
    for (const input of ['', 'abc', 'not-a-number', '123', '+55 11 9876', '1'.repeat(20), '11 98765-4321 ramal 2']) {
      expect(normalizePhone(input), input).toBeNull();
    }
  });

  it('lists the WhatsApp forms of a Brazilian mobile', () => {
    const phone = normalizePhone('+5511987654321');
    expect(phone && whatsappVariants(phone)).toEqual(['5511987654321', '551187654321']);
    const landline = normalizePhone('+551133334444');
    expect(landline && whatsappVariants(landline)).toEqual(['551133334444']);
  });
});
