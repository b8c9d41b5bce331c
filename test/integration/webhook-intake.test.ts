import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createWhatsAppInbox, postWebhook, type TestInbox, textPayload, waitForWebhooks } from '../helpers/whatsapp.js';

let t: TestApp;
let inbox: TestInbox;

beforeAll(async () => {
  t = await createTestApp();
  inbox = await createWhatsAppInbox(t);
  await t.app.jobs.startWorker();
});
afterAll(async () => {
  await t.close();
});

describe('webhook intake (deliveries committed together)', () => {
  it('stores deliveries posted at the same time once each, with jobs that name each body once, and processes them all', async () => {
    const run = Math.random().toString(36).slice(2);
    const bodies = Array.from({ length: 30 }, (_, i) =>
      JSON.stringify(
        textPayload(inbox.phoneNumberId, {
          from: `55119${String(71000000 + (i % 7)).padStart(8, '0')}`,
          wamid: `wamid.intake-${run}-${i}`,
          text: `mensagem ${i}`,
        }),
      ),
    );
    // The first body twice, in the same burst: Meta redelivering while the first delivery is in flight.
    const responses = await Promise.all(
      [...bodies, bodies[0] as string].map((body) => postWebhook(t, body, inbox.appSecret)),
    );
    expect(responses.map((response) => response.statusCode)).toEqual(responses.map(() => 200));

    const raws = await t.db
      .selectFrom('raw_webhooks')
      .select('id')
      .where('body', 'like', `%wamid.intake-${run}-%`)
      .execute();
    expect(raws).toHaveLength(30);
    // Grouped: the jobs name every stored body exactly once (one job per commit, not one per body).
    const ids = new Set(raws.map((raw) => raw.id));
    const jobs = (
      await t.db.selectFrom('jobs').select('payload').where('name', '=', 'whatsapp.process_webhook').execute()
    )
      .map((job) => (job.payload as { rawWebhookIds: number[] }).rawWebhookIds.filter((id) => ids.has(id)))
      .filter((named) => named.length > 0);
    expect(jobs.flat().sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
    expect(jobs.length).toBeLessThan(raws.length);

    await waitForWebhooks(t);
    const messages = await t.db
      .selectFrom('messages')
      .select('source_id')
      .where('source_id', 'like', `wamid.intake-${run}-%`)
      .execute();
    expect(new Set(messages.map((message) => message.source_id)).size).toBe(30);
    expect(messages).toHaveLength(30);
  });
});
