import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { defineJob, RetryLaterError } from '../../jobs/job-definition.js';
import type { RateLimiter } from '../../jobs/rate-limiter.js';
import { normalizePhone } from '../../shared/phone.js';
import type { SmsCallbackUrls } from './sms-callback-urls.js';
import type { SmsDrivers } from './sms-drivers.js';
import { explainSmsError } from './sms-error-reasons.js';
import { SmsSendError } from './sms-provider.js';
import type { SmsSettingsService } from './sms-settings.service.js';
import type { SmsStatusService } from './sms-status.service.js';

/** Per account: well under what Twilio and Zenvia let a sender push, so bursts queue here, not there. */
export const SMS_SENDS_PER_SECOND = 10;

const SendSmsSchema = z.object({ notificationId: z.number().int().positive() });

const smsTextOf = (rendered: unknown): string | null => {
  const sms = (rendered as { sms?: unknown } | null)?.sms;
  return typeof sms === 'string' && sms.trim() !== '' ? sms : null;
};

/**
 * Sends one queued notification as SMS through the account's gateway, under a per-account rate limit.
 * Temporary failures (network, 429, 5xx) retry with backoff; permanent ones, and the last attempt,
 * mark it `failed` with the gateway's code and a reason in Portuguese. A notification that is no longer
 * `queued` is never sent again, so the job is safe to run twice.
 */
export function createSendSmsJob(deps: {
  db: Db;
  settings: Pick<SmsSettingsService, 'resolve'>;
  drivers: SmsDrivers;
  status: SmsStatusService;
  rateLimiter: RateLimiter;
  urls: SmsCallbackUrls;
}) {
  return defineJob({
    name: 'sms.send',
    queue: 'sms',
    schema: SendSmsSchema,
    maxAttempts: 6,
    backoff: { baseMs: 2_000, maxMs: 10 * 60 * 1000 },
    async handler({ notificationId }, context) {
      const notification = await deps.db
        .selectFrom('notifications')
        .selectAll()
        .where('id', '=', notificationId)
        .executeTakeFirst();
      if (notification?.status !== 'queued' || notification.channel !== 'sms') return 'skipped';

      const text = smsTextOf(notification.rendered);
      if (!text) {
        await deps.status.markFailed(notification, 'no_text');
        return 'done';
      }
      const contact = await deps.db
        .selectFrom('contacts')
        .select('phone_number')
        .where('id', '=', notification.contact_id)
        .where('account_id', '=', notification.account_id)
        .executeTakeFirst();
      const phone = contact?.phone_number ? normalizePhone(contact.phone_number) : null;
      if (!phone) {
        await deps.status.markFailed(notification, 'no_phone');
        return 'done';
      }
      const settings = await deps.settings.resolve(notification.account_id);
      if (!settings) {
        await deps.status.markFailed(notification, 'not_configured');
        return 'done';
      }

      try {
        await deps.rateLimiter.acquire(`sms:${notification.account_id}`, SMS_SENDS_PER_SECOND, context.signal);
        const { providerId } = await deps.drivers.send(settings, {
          accountId: notification.account_id,
          to: phone.e164,
          body: text,
          statusCallbackUrl: deps.urls.twilio(notification.account_id),
        });
        await deps.status.markSent(notification, settings.provider, providerId);
      } catch (error) {
        if (!(error instanceof SmsSendError)) throw error;
        const { code, retryable, retryAfterMs } = error.details;
        if (retryable && context.attempt < context.maxAttempts) {
          if (retryAfterMs) throw new RetryLaterError(error.message, retryAfterMs);
          throw error;
        }
        context.logger.warn({ notificationId, provider: settings.provider, code }, 'SMS not sent');
        const reason = retryable
          ? `${code === 'network' ? explainSmsError(code) : 'O provedor de SMS ficou indisponível.'} Desistimos após ${context.attempt} tentativas.`
          : explainSmsError(code, error.message);
        await deps.status.markFailed(notification, code, reason);
      }
      return 'done';
    },
  });
}
