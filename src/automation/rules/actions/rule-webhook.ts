import { randomUUID } from 'node:crypto';
import type { Clock } from '../../../shared/clock.js';
import { hmacSha256Hex } from '../../../shared/crypto.js';
import { webhookSignature } from '../../webhooks/deliver-webhook.job.js';
import type { WebhookPayloads } from '../../webhooks/webhook-payloads.js';
import type { RuleSubject } from '../engine/rule-subject.js';

const TIMEOUT_MS = 10_000;

/**
 * The key a rule's send_webhook_event signs with, derived from SECRET_KEY_BASE and the rule id:
 * administrators read it on the rule (webhook_secret) to verify X-Chatwoot-Signature.
 */
export const ruleWebhookSecret = (secretKeyBase: string, ruleId: number) =>
  hmacSha256Hex(secretKeyBase, `automation_rule:${ruleId}:webhook`);

/** Chatwoot's automation payload: the conversation's (or message's) webhook data, with event "automation_event.<name>". */
export async function ruleWebhookBody(
  payloads: WebhookPayloads,
  subject: RuleSubject,
  eventName: string,
): Promise<Record<string, unknown>> {
  const event = `automation_event.${eventName}`;
  if (subject.message) {
    const data = await payloads.messageData(subject.accountId, subject.message.id);
    if (data) return { event, ...data.data };
  }
  if (subject.conversation && eventName.startsWith('conversation_')) {
    const data = await payloads.conversationData(subject.accountId, subject.conversation.id);
    if (data) return { event, ...data.data };
  }
  return {
    event,
    account: { id: subject.accountId },
    data: subject.data,
    conversation_id: subject.conversation?.display_id ?? null,
    contact_id: subject.contact?.id ?? null,
  };
}

/** One signed POST, no redirects followed; anything but 2xx is the run's error (no retries: see the run log). */
export async function postRuleWebhook(
  deps: { clock: Clock; fetch?: typeof fetch },
  url: string,
  secret: string,
  body: Record<string, unknown>,
): Promise<number> {
  const raw = JSON.stringify(body);
  const timestamp = Math.floor(deps.clock.now().getTime() / 1000);
  let response: Response;
  try {
    response = await (deps.fetch ?? fetch)(url, {
      method: 'POST',
      body: raw,
      redirect: 'manual',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Santana-Automation',
        'x-chatwoot-timestamp': String(timestamp),
        'x-chatwoot-signature': webhookSignature(secret, timestamp, raw),
        'x-chatwoot-delivery': randomUUID(),
      },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new Error(`Falha ao chamar o webhook ${new URL(url).host}: ${cause ?? (error as Error).message}.`);
  }
  await response.body?.cancel().catch(() => {});
  if (response.status < 200 || response.status >= 300) {
    throw new Error(`O webhook ${new URL(url).host} respondeu HTTP ${response.status}.`);
  }
  return response.status;
}
