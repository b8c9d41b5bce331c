import { hmacSha256Hex, safeEqual } from '../../shared/crypto.js';

/**
 * The public URLs gateways post status changes to, built on FRONTEND_URL. Twilio signs its callbacks
 * (X-Twilio-Signature); Zenvia does not, so its URL carries a per-account token derived from
 * SECRET_KEY_BASE, which the administrator registers in Zenvia's MESSAGE_STATUS subscription.
 */
export function createSmsCallbackUrls(options: { frontendUrl: string; secretKeyBase: string }) {
  const zenviaToken = (accountId: number) =>
    hmacSha256Hex(options.secretKeyBase, `santana:sms:zenvia-callback:${accountId}`).slice(0, 40);

  return {
    twilio: (accountId: number) => `${options.frontendUrl}/webhooks/sms/twilio/${accountId}`,
    zenvia: (accountId: number) =>
      `${options.frontendUrl}/webhooks/sms/zenvia/${accountId}?token=${zenviaToken(accountId)}`,
    /** The full URL as a gateway requested it (path and query as received), for signature checks. */
    publicUrl: (pathAndQuery: string) => `${options.frontendUrl}${pathAndQuery}`,
    zenviaTokenMatches: (accountId: number, token: string | undefined) =>
      token !== undefined && safeEqual(zenviaToken(accountId), token),
  };
}

export type SmsCallbackUrls = ReturnType<typeof createSmsCallbackUrls>;
