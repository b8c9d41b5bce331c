import { readdirSync, readFileSync } from 'node:fs';
import { hubSignature } from '../../src/channels/whatsapp/webhook-signature.js';
import { sealCredentials } from '../../src/inbox/inbox-credentials.js';
import { sleep } from '../../src/shared/clock.js';
import type { TestApp } from './test-app.js';

export const FIXTURES_DIR = new URL('../fixtures/whatsapp/', import.meta.url);

export function fixtureNames(): string[] {
  return readdirSync(FIXTURES_DIR)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.replace(/\.json$/, ''));
}

/** A real Cloud API payload from test/fixtures (copied from ../shared/fixtures), addressed to our inbox's phone number id. */
export function fixture(name: string, phoneNumberId: string): Record<string, unknown> {
  const payload = JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES_DIR), 'utf8'));
  for (const entry of payload.entry) {
    for (const change of entry.changes) {
      change.value.metadata = { ...(change.value.metadata ?? {}), phone_number_id: phoneNumberId };
    }
  }
  return payload;
}

export interface TestInbox {
  id: number;
  accountId: number;
  phoneNumberId: string;
  phoneNumber: string;
  appSecret: string;
  verifyToken: string;
}

let counter = 0;

export async function createWhatsAppInbox(
  t: TestApp,
  overrides: Partial<TestInbox> & { graphUrl?: string } = {},
): Promise<TestInbox> {
  counter++;
  const values = {
    accountId: overrides.accountId ?? 1,
    phoneNumberId: overrides.phoneNumberId ?? `10${process.pid}${counter}${Math.floor(Math.random() * 1e6)}`,
    phoneNumber:
      overrides.phoneNumber ??
      `55119${String(40000000 + counter * 7919 + Math.floor(Math.random() * 1e6)).slice(0, 8)}`,
    appSecret: overrides.appSecret ?? `app-secret-${counter}`,
    verifyToken: overrides.verifyToken ?? `verify-${counter}`,
  };
  const inbox = await t.app.services.inboxes.create({
    accountId: values.accountId,
    name: `WhatsApp ${counter}`,
    channelType: 'whatsapp_cloud',
    phoneNumber: values.phoneNumber,
    phoneNumberId: values.phoneNumberId,
    businessAccountId: 'WABA-1',
    credentials: sealCredentials(t.app.services.box, {
      access_token: 'EAAG-test-token',
      app_secret: values.appSecret,
      verify_token: values.verifyToken,
      ...(overrides.graphUrl ? { graph_url: overrides.graphUrl } : {}),
    }),
  });
  return { id: inbox.id, ...values };
}

/** Posts a body to the webhook exactly as Meta does: raw bytes, signed with the app secret. */
export function postWebhook(
  t: TestApp,
  body: string | Record<string, unknown>,
  secret: string | null,
  path = '/webhooks/whatsapp',
) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  return t.inject({
    method: 'POST',
    url: path,
    payload: raw,
    headers: {
      'content-type': 'application/json',
      ...(secret ? { 'x-hub-signature-256': hubSignature(raw, secret) } : {}),
    },
  });
}

/** How many stored (routable) webhooks have not been processed yet. */
export async function unprocessedWebhooks(t: TestApp): Promise<number> {
  const row = await t.db
    .selectFrom('raw_webhooks')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('processed_at', 'is', null)
    .where('unroutable', '=', false)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Waits until every stored webhook has been processed (the jobs ran). */
export async function waitForWebhooks(t: TestApp, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pending = await unprocessedWebhooks(t);
    const dead = await t.db
      .selectFrom('jobs')
      .select(['id', 'last_error'])
      .where('status', '=', 'dead')
      .where('name', '=', 'whatsapp.process_webhook')
      .execute();
    if (dead.length > 0) throw new Error(`webhook processing died: ${JSON.stringify(dead)}`);
    if (pending === 0) return;
    if (Date.now() > deadline) throw new Error(`${pending} webhook(s) still unprocessed`);
    await sleep(25);
  }
}

/** A payload with one message item from `from` (wa_id), as Meta sends it. */
export function messagePayload(
  phoneNumberId: string,
  options: { from: string; name?: string; message: Record<string, unknown> },
) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: 'WABA-1',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '5511900000000', phone_number_id: phoneNumberId },
              contacts: [{ profile: { name: options.name ?? 'Cliente' }, wa_id: options.from }],
              messages: [{ from: options.from, timestamp: String(Math.floor(Date.now() / 1000)), ...options.message }],
            },
          },
        ],
      },
    ],
  };
}

/** A minimal text message payload. */
export function textPayload(
  phoneNumberId: string,
  options: { from: string; wamid: string; text: string; name?: string; timestamp?: number },
) {
  return messagePayload(phoneNumberId, {
    from: options.from,
    name: options.name,
    message: {
      id: options.wamid,
      timestamp: String(options.timestamp ?? Math.floor(Date.now() / 1000)),
      type: 'text',
      text: { body: options.text },
    },
  });
}
