import { describe, expect, it } from 'vitest';
import { createSecretBox, randomToken, safeEqual } from './crypto.js';
import { redactUrl } from './logger.js';

describe('secret box', () => {
  const box = createSecretBox('k'.repeat(64));

  it('encrypts and decrypts a stored credential', () => {
    const sealed = box.encrypt('EAAG-token-á');
    expect(sealed).not.toContain('EAAG');
    expect(box.decrypt(sealed)).toBe('EAAG-token-á');
  });

  it('refuses a tampered value or another key', () => {
    const sealed = box.encrypt('segredo');
    // One bit of the ciphertext flipped. (Editing base64 text may change only its padding bits: the same
    // bytes, once in a few hundred runs.)
    const [version, iv, tag, body] = sealed.split('.');
    const flipped = Buffer.from(body ?? '', 'base64url');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    const tampered = [version, iv, tag, flipped.toString('base64url')].join('.');
    expect(() => box.decrypt(tampered)).toThrow();
    expect(() => createSecretBox('o'.repeat(64)).decrypt(sealed)).toThrow();
  });
});

describe('tokens and comparison', () => {
  it('makes prefixed random tokens that differ', () => {
    expect(randomToken('st_')).toMatch(/^st_[A-Za-z0-9_-]{43}$/);
    expect(randomToken()).not.toBe(randomToken());
  });

  it('compares strings of any length', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
  });
});

describe('redactUrl', () => {
  it('hides secret query values and keeps the rest', () => {
    expect(redactUrl('/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=abc&hub.challenge=9')).toBe(
      '/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=%5BREDACTED%5D&hub.challenge=9',
    );
    expect(redactUrl('/api/v1/profile')).toBe('/api/v1/profile');
  });
});
