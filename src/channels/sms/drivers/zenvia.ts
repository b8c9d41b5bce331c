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

export type ZenviaSettings = Extract<SmsAccountSettings, { provider: 'zenvia' }>;

// The message Zenvia answers (200): {id, from, to, direction, channel, contents, timestamp}.
const MessageSchema = z.looseObject({ id: z.string().min(1) });
// Zenvia's error object: {code, message} (older docs: {code, description}), maybe with details[].
const ErrorSchema = z.looseObject({
  code: z.string().optional(),
  message: z.string().optional(),
  description: z.string().optional(),
});

/**
 * Zenvia's API v2: POST /v2/channels/sms/messages with the X-API-TOKEN header and
 * {from, to, contents: [{type: 'text', text}]}. Statuses come later through a MESSAGE_STATUS
 * subscription (its URL is shown to the administrator).
 */
export function createZenviaDriver(options: {
  apiUrl: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}): SmsDriver<ZenviaSettings> {
  const transport = { fetch: options.fetch ?? fetch, timeoutMs: options.timeoutMs ?? 15_000 };
  return {
    async send(settings, sms) {
      const response = await fetchGateway(
        'zenvia',
        `${options.apiUrl}/v2/channels/sms/messages`,
        {
          method: 'POST',
          headers: {
            'x-api-token': settings.credentials.api_token,
            'content-type': 'application/json',
            accept: 'application/json',
          },
          // Zenvia takes the recipient as digits with the country code (5511987654321).
          body: JSON.stringify({
            from: settings.sender,
            to: sms.to.replace(/\D/g, ''),
            contents: [{ type: 'text', text: sms.body }],
          }),
        },
        transport,
      );
      const payload = await readJson(response);
      if (!response.ok) {
        const error = ErrorSchema.safeParse(payload);
        const body = error.success ? error.data : {};
        throw new SmsSendError(body.message ?? body.description ?? `Zenvia answered ${response.status}`, {
          provider: 'zenvia',
          httpStatus: response.status,
          code: body.code ?? `http_${response.status}`,
          retryable: isRetryableStatus(response.status),
          retryAfterMs: retryAfterMs(response),
        });
      }
      const message = MessageSchema.safeParse(payload);
      if (!message.success) {
        throw new SmsSendError('Zenvia answered in an unexpected shape', {
          provider: 'zenvia',
          httpStatus: response.status,
          code: 'unexpected_response',
          retryable: false,
        });
      }
      return { providerId: message.data.id };
    },
  };
}
