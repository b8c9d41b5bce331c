import { describe, expect, it } from 'vitest';
import { offerPayload, parseOfferPayload } from './offer-payload.js';

describe('offer payloads', () => {
  it('round-trips an answer', () => {
    const payload = offerPayload(55, 'Ab3_-xYz12345678', 'accept');
    expect(payload).toBe('offer:55:Ab3_-xYz12345678:accept');
    expect(parseOfferPayload(payload)).toEqual({ assignmentId: 55, token: 'Ab3_-xYz12345678', outcome: 'accept' });
    expect(parseOfferPayload(offerPayload(7, 'tokentoken', 'decline'))?.outcome).toBe('decline');
  });

  it.each([
    'offer:55:token123:maybe',
    'offer:abc:token123:accept',
    'offer:55::accept',
    'offer:55:short:accept',
    'offer:55:token123:accept:extra',
    'offer:55:tok en123:accept',
    'Aceitar',
  ])('rejects %s', (value) => {
    expect(parseOfferPayload(value)).toBeNull();
  });
});
