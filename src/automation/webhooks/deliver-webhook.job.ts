import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { defineJob, RetryLaterError } from '../../jobs/job-definition.js';
import type { Clock } from '../../shared/clock.js';
import { hmacSha256Hex, type SecretBox } from '../../shared/crypto.js';
import { type AttemptOutcome, RESPONSE_EXCERPT_CHARS, webhooksRepo } from './webhooks.repo.js';

export const DeliverWebhookSchema = z.object({ deliveryId: z.number().int().positive() });

export interface WebhookDeliverySettings {
  /** How long the receiver has to answer one attempt. */
  timeoutMs: number;
  maxAttempts: number;
  backoff: { baseMs: number; maxMs: number };
}

// About 20 minutes of retries in all (10 s, 20 s, 40 s … with jitter), then the delivery is failed.
export const DEFAULT_DELIVERY_SETTINGS: WebhookDeliverySettings = {
  timeoutMs: 5_000,
  maxAttempts: 8,
  backoff: { baseMs: 10_000, maxMs: 30 * 60 * 1000 },
};

/** The signature Chatwoot sends: HMAC-SHA256 of "<timestamp>.<body>" with the webhook's secret. */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `sha256=${hmacSha256Hex(secret, `${timestamp}.${body}`)}`;
}

type Verdict =
  | { kind: 'delivered' }
  | { kind: 'retry'; error: string; retryAfterMs: number | null }
  | { kind: 'permanent'; error: string };

const RETRYABLE_STATUSES = new Set([408, 429]);

function verdictFor(response: Response): Verdict {
  const status = response.status;
  if (status >= 200 && status < 300) return { kind: 'delivered' };
  if (status >= 300 && status < 400) {
    // Never followed: a redirect to another host would receive our signed payload without anyone knowing.
    const location = response.headers.get('location') ?? '(sem Location)';
    return {
      kind: 'permanent',
      error: `O destino redirecionou (HTTP ${status}) para ${location}; redirecionamentos não são seguidos.`,
    };
  }
  if (status >= 500 || RETRYABLE_STATUSES.has(status)) {
    return { kind: 'retry', error: `O destino respondeu HTTP ${status}.`, retryAfterMs: retryAfterMs(response) };
  }
  return { kind: 'permanent', error: `O destino recusou a entrega (HTTP ${status}).` };
}

function retryAfterMs(response: Response): number | null {
  const header = response.headers.get('retry-after');
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}

/** The start of the answer, read without waiting for (or buffering) a huge body. */
async function excerpt(response: Response): Promise<string | null> {
  if (!response.body) return null;
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < RESPONSE_EXCERPT_CHARS) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    // A body cut short says nothing more about the delivery than its status already does.
  } finally {
    void reader.cancel().catch(() => {});
  }
  return text === '' ? null : text.slice(0, RESPONSE_EXCERPT_CHARS);
}

function networkError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `O destino não respondeu em ${timeoutMs / 1000} s.`;
  }
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return `Falha de rede ao entregar: ${detail}.`;
}

/**
 * POSTs one recorded delivery, signed like Chatwoot, with the same X-Chatwoot-Delivery on every try.
 * 2xx delivers; network errors, timeouts, 408, 429 and 5xx retry with backoff; anything else (and the
 * last failed try) marks the delivery failed. Every attempt is written on the delivery row.
 */
export function createDeliverWebhookJob(deps: {
  db: Db;
  box: SecretBox;
  clock: Clock;
  settings?: Partial<WebhookDeliverySettings>;
  fetch?: typeof fetch;
}) {
  const settings = { ...DEFAULT_DELIVERY_SETTINGS, ...deps.settings };
  const doFetch = deps.fetch ?? fetch;

  return defineJob({
    name: 'webhooks.deliver',
    queue: 'webhooks',
    schema: DeliverWebhookSchema,
    maxAttempts: settings.maxAttempts,
    timeoutMs: settings.timeoutMs + 10_000,
    backoff: settings.backoff,
    async handler({ deliveryId }, context) {
      const delivery = await webhooksRepo.pendingWithTarget(deps.db, deliveryId);
      if (!delivery) return 'skipped';
      const record = (outcome: AttemptOutcome) => webhooksRepo.recordAttempt(deps.db, delivery.id, outcome);

      let secret: string;
      try {
        secret = deps.box.decrypt(delivery.secret);
      } catch {
        await record({
          status: 'failed',
          responseStatus: null,
          responseBody: null,
          error: 'Não foi possível abrir o segredo do webhook (SECRET_KEY_BASE mudou?). Salve o webhook de novo.',
        });
        return 'done';
      }

      const timestamp = Math.floor(deps.clock.now().getTime() / 1000);
      let verdict: Verdict;
      let responseStatus: number | null = null;
      let responseBody: string | null = null;
      try {
        const response = await doFetch(delivery.url, {
          method: 'POST',
          body: delivery.payload,
          redirect: 'manual',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Santana-Webhooks',
            'x-chatwoot-timestamp': String(timestamp),
            'x-chatwoot-signature': webhookSignature(secret, timestamp, delivery.payload),
            'x-chatwoot-delivery': delivery.delivery_id,
          },
          signal: AbortSignal.any([context.signal, AbortSignal.timeout(settings.timeoutMs)]),
        });
        responseStatus = response.status;
        responseBody = await excerpt(response);
        verdict = verdictFor(response);
      } catch (error) {
        // Shutting down (or the job timed out): the job layer puts it back; this was not the receiver's fault.
        if (context.signal.aborted) throw error;
        verdict = { kind: 'retry', error: networkError(error, settings.timeoutMs), retryAfterMs: null };
      }

      const lastTry = context.attempt >= context.maxAttempts;
      const status =
        verdict.kind === 'delivered' ? 'delivered' : verdict.kind === 'permanent' || lastTry ? 'failed' : 'pending';
      const error = verdict.kind === 'delivered' ? null : verdict.error;
      await record({ status, responseStatus, responseBody, error });
      context.logger.info(
        { deliveryId: delivery.delivery_id, event: delivery.event, responseStatus, status },
        'Webhook delivery attempt',
      );
      if (status !== 'pending' || verdict.kind !== 'retry') return 'done';
      if (verdict.retryAfterMs !== null) {
        throw new RetryLaterError(error ?? 'retry', Math.min(verdict.retryAfterMs, settings.backoff.maxMs));
      }
      throw new Error(error ?? 'retry');
    },
  });
}
