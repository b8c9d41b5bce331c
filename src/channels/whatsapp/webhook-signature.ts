import { hmacSha256Hex, safeEqual } from '../../shared/crypto.js';

/**
 * Checks Meta's `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>` against each candidate
 * app secret, in constant time. The raw bytes are used as received: Meta escapes non-ASCII as \uXXXX,
 * so re-serialising the JSON would change them.
 */
export function verifyHubSignature(rawBody: Buffer, header: string | undefined, secrets: string[]): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const received = header.slice('sha256='.length).trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(received)) return false;
  let valid = false;
  // Check every candidate (no early exit) so timing does not tell which secret matched.
  for (const secret of secrets) {
    if (safeEqual(hmacSha256Hex(secret, rawBody), received)) valid = true;
  }
  return valid;
}

export function hubSignature(rawBody: Buffer | string, secret: string): string {
  return `sha256=${hmacSha256Hex(secret, rawBody)}`;
}
