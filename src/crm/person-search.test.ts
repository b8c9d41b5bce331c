import { describe, expect, it } from 'vitest';
import { phoneKeyPrefixes, readPersonQuery } from './person-search.js';

describe('readPersonQuery', () => {
  it('turns words into prefixes every one of which must start a word of the name', () => {
    expect(readPersonQuery('  Ana   Sil ')).toMatchObject({ nameQuery: 'ana:* & sil:*', phonePrefixes: [] });
    // Operators and quotes of tsquery never reach it: only letters and digits are kept.
    expect(readPersonQuery("D'Ávila & | !x:*").nameQuery).toBe('d:* & ávila:* & x:*');
    expect(readPersonQuery('---').nameQuery).toBeNull();
  });

  it('reads a whole phone in either 9th-digit form as the same key, and its beginning as key prefixes', () => {
    expect(readPersonQuery('(11) 98765-4321').phoneKey).toBe('551187654321');
    expect(readPersonQuery('(11) 8765-4321').phoneKey).toBe('551187654321');
    expect(readPersonQuery('11 98765').phonePrefixes).toEqual(['551198765', '55118765']);
    expect(readPersonQuery('11 98765')).toMatchObject({ phoneKey: null, nameQuery: null, emailPrefix: null });
  });

  it('reads a CPF with its punctuation, and an e-mail by its beginning', () => {
    expect(readPersonQuery('529.982.247-25').document).toBe('52998224725');
    expect(readPersonQuery('Ana@Example')).toMatchObject({
      emailPrefix: 'ana@example',
      nameQuery: 'ana:* & example:*',
    });
    expect(readPersonQuery('Ana Lima').emailPrefix).toBeNull();
  });
});

describe('phoneKeyPrefixes', () => {
  it('adds the country code to national digits and keeps it on international ones', () => {
    expect(phoneKeyPrefixes('4132', '4132')).toEqual(['554132']);
    expect(phoneKeyPrefixes('+1 415', '1415')).toEqual(['1415']);
    // 55 may be the country code or Rio Grande do Sul's DDD.
    expect(phoneKeyPrefixes('5599', '5599')).toEqual(['5599', '555599', '55559']);
  });
});
