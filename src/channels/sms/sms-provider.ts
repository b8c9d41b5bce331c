import type { SmsProviderName } from '../../db/schema.js';

/** What an account's SMS gateway needs to send: its sender and (sealed at rest) credentials. */
export type SmsAccountSettings =
  | { provider: 'twilio'; sender: string; credentials: { account_sid: string; auth_token: string } }
  | { provider: 'zenvia'; sender: string; credentials: { api_token: string } }
  | { provider: 'simulator'; sender: string | null };

export interface OutgoingSms {
  accountId: number;
  /** E.164 with "+". */
  to: string;
  body: string;
  /** Where the gateway should post status changes (Twilio takes it per message). */
  statusCallbackUrl: string;
}

/** One SMS gateway's wire format: send, answering the provider's message id, or throw SmsSendError. */
export interface SmsDriver<S extends SmsAccountSettings = SmsAccountSettings> {
  send(settings: S, sms: OutgoingSms): Promise<{ providerId: string }>;
}

/** A status change the gateway reported, in Santana's words (never backwards: see sms-status.service). */
export interface SmsStatusUpdate {
  provider: SmsProviderName;
  providerId: string;
  status: 'sent' | 'delivered' | 'failed';
  errorCode?: string | null;
  /** The gateway's own words, kept when there is no Portuguese reason for the code. */
  providerReason?: string | null;
}

/** A send the gateway refused or could not take; `retryable` says whether trying later can help. */
export class SmsSendError extends Error {
  override name = 'SmsSendError';
  constructor(
    message: string,
    readonly details: {
      provider: SmsProviderName;
      httpStatus: number | null;
      /** The gateway's code (Twilio 21211, Zenvia VALIDATION_ERROR), `network`, or `http_<status>`. */
      code: string;
      retryable: boolean;
      retryAfterMs?: number;
    },
  ) {
    super(message);
  }
}

/** Network failures and gateway hiccups (429, 5xx) are worth retrying; anything else is final. */
export function isRetryableStatus(httpStatus: number): boolean {
  return httpStatus === 429 || httpStatus >= 500;
}

export function retryAfterMs(response: Response): number | undefined {
  const seconds = Number(response.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}

/** Reads a JSON answer without trusting it to be JSON. */
export async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    return { raw: text.slice(0, 500) };
  }
}

/** fetch with a timeout; a failure on the way becomes a retryable `network` error. */
export async function fetchGateway(
  provider: SmsProviderName,
  url: string,
  init: RequestInit,
  options: { fetch: typeof fetch; timeoutMs: number },
): Promise<Response> {
  try {
    return await options.fetch(url, { ...init, signal: AbortSignal.timeout(options.timeoutMs) });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SmsSendError(`SMS gateway unreachable: ${reason}`, {
      provider,
      httpStatus: null,
      code: 'network',
      retryable: true,
    });
  }
}
