import { z } from 'zod';
import {
  fetchGateway,
  isRetryableStatus,
  readJson,
  retryAfterMs,
  type SmsAccountSettings,
  type SmsDriver,
  SmsSendError,
} from '../sms-provider.js';

export type TwilioSettings = Extract<SmsAccountSettings, { provider: 'twilio' }>;

// The Message resource Twilio answers a create with (201); only its sid matters here.
const MessageSchema = z.looseObject({ sid: z.string().min(1), status: z.string().optional() });
// Twilio's REST error body: {code, message, more_info, status}.
const ErrorSchema = z.looseObject({
  code: z.union([z.number(), z.string()]).optional(),
  message: z.string().optional(),
});

/** A Messaging Service SID (MG…) goes in MessagingServiceSid; anything else is the From sender. */
export const isMessagingServiceSid = (sender: string) => /^MG[0-9a-fA-F]{32}$/.test(sender);

/**
 * Twilio's Messages resource: a form-encoded POST to /2010-04-01/Accounts/{AccountSid}/Messages.json
 * with HTTP basic auth (Account SID : auth token), asking for status callbacks to `statusCallbackUrl`.
 */
export function createTwilioDriver(options: {
  apiUrl: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}): SmsDriver<TwilioSettings> {
  const transport = { fetch: options.fetch ?? fetch, timeoutMs: options.timeoutMs ?? 15_000 };
  return {
    async send(settings, sms) {
      const { account_sid: accountSid, auth_token: authToken } = settings.credentials;
      const form = new URLSearchParams({ To: sms.to });
      form.set(isMessagingServiceSid(settings.sender) ? 'MessagingServiceSid' : 'From', settings.sender);
      form.set('Body', sms.body);
      form.set('StatusCallback', sms.statusCallbackUrl);
      const response = await fetchGateway(
        'twilio',
        `${options.apiUrl}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`,
        {
          method: 'POST',
          headers: {
            authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
            'content-type': 'application/x-www-form-urlencoded',
            accept: 'application/json',
          },
          body: form.toString(),
        },
        transport,
      );
      const payload = await readJson(response);
      if (!response.ok) {
        const error = ErrorSchema.safeParse(payload);
        const code = error.success && error.data.code !== undefined ? String(error.data.code) : null;
        throw new SmsSendError(
          (error.success ? error.data.message : undefined) ?? `Twilio answered ${response.status}`,
          {
            provider: 'twilio',
            httpStatus: response.status,
            code: code ?? `http_${response.status}`,
            retryable: isRetryableStatus(response.status),
            retryAfterMs: retryAfterMs(response),
          },
        );
      }
      const message = MessageSchema.safeParse(payload);
      if (!message.success) {
        throw new SmsSendError('Twilio answered in an unexpected shape', {
          provider: 'twilio',
          httpStatus: response.status,
          code: 'unexpected_response',
          retryable: false,
        });
      }
      return { providerId: message.data.sid };
    },
  };
}
