import { createHmac } from 'node:crypto';
import { safeEqual } from '../../../shared/crypto.js';

/**
 * Twilio's X-Twilio-Signature: HMAC-SHA1, keyed by the account's auth token, over the full URL Twilio
 * requested followed by every POST parameter, sorted by name, as name + value with no separators;
 * base64-encoded. A name sent more than once contributes each of its distinct values, sorted (as
 * Twilio's own helper libraries compute it).
 */
export function twilioSignature(authToken: string, url: string, params: URLSearchParams): string {
  const names = [...new Set(params.keys())].sort();
  let data = url;
  for (const name of names) {
    for (const value of [...new Set(params.getAll(name))].sort()) data += name + value;
  }
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

export function verifyTwilioSignature(
  authToken: string,
  url: string,
  params: URLSearchParams,
  signature: string | undefined,
): boolean {
  if (!signature) return false;
  return safeEqual(twilioSignature(authToken, url, params), signature);
}
