import { describe, expect, it } from 'vitest';
import { staticHelmetHeaders } from './security-headers.js';

describe('staticHelmetHeaders', () => {
  it('records the headers helmet sets, with the options given', () => {
    const headers = staticHelmetHeaders({
      contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], frameAncestors: ["'none'"] } },
      crossOriginEmbedderPolicy: false,
    });
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['strict-transport-security']).toMatch(/^max-age=\d+/);
    expect(headers).not.toHaveProperty('cross-origin-embedder-policy');
    expect(Object.keys(headers).every((name) => name === name.toLowerCase())).toBe(true);
  });

  it('refuses options helmet rejects, at once', () => {
    expect(() => staticHelmetHeaders({ referrerPolicy: { policy: 'nonsense' as 'no-referrer' } })).toThrow();
  });
});
