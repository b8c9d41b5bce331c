import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../../src/shared/clock.js';
import { type FakeGraph, startFakeGraph } from '../helpers/fake-graph.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createWhatsAppInbox, postWebhook, type TestInbox, textPayload, waitForWebhooks } from '../helpers/whatsapp.js';

let t: TestApp;
let graph: FakeGraph;
let inbox: TestInbox;
let adminId: number;

beforeAll(async () => {
  graph = await startFakeGraph();
  t = await createTestApp({ graphTimeoutMs: 2000, env: { WHATSAPP_GRAPH_URL: graph.url } });
  inbox = await createWhatsAppInbox(t);
  const admin = await t.signIn();
  adminId = admin.user.id;
  // Templates are checked against the inbox's synced ones (the fake WABA lists lembrete_evento).
  await t.inject({
    method: 'POST',
    url: `/api/v1/accounts/1/inboxes/${inbox.id}/sync_templates`,
    headers: admin.tokenHeaders,
  });
  await t.app.jobs.startWorker();
  t.app.jobs.startScheduler();
});
afterAll(async () => {
  await t.close();
  await graph.close();
});

let counter = 0;
/** A conversation whose contact wrote to us `minutesAgo` minutes ago. */
async function conversationWith(minutesAgo = 1) {
  counter++;
  const from = `55119870${String(counter).padStart(5, '0')}`;
  await postWebhook(
    t,
    textPayload(inbox.phoneNumberId, { from, wamid: `wamid.in-${counter}-${Date.now()}`, text: 'Oi!' }),
    inbox.appSecret,
  );
  await waitForWebhooks(t);
  const conversation = await t.db
    .selectFrom('conversations')
    .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
    .selectAll('conversations')
    .where('contacts.phone_key', '=', `5511870${String(counter).padStart(5, '0')}`)
    .executeTakeFirstOrThrow();
  await t.db
    .updateTable('conversations')
    .set({ last_incoming_at: sql`now() - make_interval(mins => ${minutesAgo})` })
    .where('id', '=', conversation.id)
    .execute();
  return { ...conversation, from };
}

const reply = (conversationId: number, input: Parameters<TestApp['app']['services']['outgoing']['create']>[2]) =>
  t.app.services.outgoing.create({ accountId: 1, userId: adminId }, conversationId, input);

async function waitForMessage(id: number, predicate: (status: string) => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const message = await t.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    if (predicate(message.status)) return message;
    if (Date.now() > deadline) throw new Error(`message ${id} still ${message.status}`);
    await sleep(20);
  }
}

describe('sending a reply', () => {
  it('commits the reply as queued, sends it to the wa_id the contact wrote from, and stores the wamid', async () => {
    const conversation = await conversationWith();
    const message = await reply(conversation.id, { content: 'Olá! Como posso ajudar?' });
    expect(message.status).toBe('queued');
    const sent = await waitForMessage(message.id, (status) => status === 'sent');
    expect(sent.source_id).toMatch(/^wamid\./);
    const request = graph.sends().at(-1);
    expect(request?.path).toBe(`/v24.0/${inbox.phoneNumberId}/messages`);
    expect(request?.authorization).toBe('Bearer EAAG-test-token');
    expect(request?.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: conversation.from,
      type: 'text',
      text: { preview_url: false, body: 'Olá! Como posso ajudar?' },
    });
  });

  it('applies a delivery status that arrived before the send response was stored', async () => {
    const conversation = await conversationWith();
    const wamid = `wamid.race-${Date.now()}`;
    graph.slowNext(1200, wamid);
    const message = await reply(conversation.id, { content: 'rápido' });
    const status = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: 'WABA-1',
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { phone_number_id: inbox.phoneNumberId },
                statuses: [
                  {
                    id: wamid,
                    status: 'delivered',
                    timestamp: String(Math.floor(Date.now() / 1000)),
                    recipient_id: conversation.from,
                  },
                ],
              },
            },
          ],
        },
      ],
    };
    // Meta's status webhook overtakes the send response.
    await postWebhook(t, status, inbox.appSecret);
    await waitForWebhooks(t);
    expect(
      (await t.db.selectFrom('messages').select('status').where('id', '=', message.id).executeTakeFirstOrThrow())
        .status,
    ).toBe('queued');
    const delivered = await waitForMessage(message.id, (value) => value === 'delivered');
    expect(delivered.source_id).toBe(wamid);
    expect(await t.db.selectFrom('pending_statuses').select('id').where('source_id', '=', wamid).execute()).toEqual([]);
  });

  it('quotes the message it replies to and sends interactive reply buttons', async () => {
    const conversation = await conversationWith();
    const incoming = await t.db
      .selectFrom('messages')
      .selectAll()
      .where('conversation_id', '=', conversation.id)
      .executeTakeFirstOrThrow();
    const message = await reply(conversation.id, {
      inReplyToId: incoming.id,
      interactive: {
        type: 'button',
        body: 'Você confirma o evento de sábado?',
        buttons: [
          { id: 'confirmar', title: 'Confirmar' },
          { id: 'remarcar', title: 'Remarcar' },
        ],
      },
    });
    await waitForMessage(message.id, (status) => status === 'sent');
    expect(graph.sends().at(-1)?.body).toMatchObject({
      context: { message_id: incoming.source_id },
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: 'Você confirma o evento de sábado?' },
        action: {
          buttons: [
            { type: 'reply', reply: { id: 'confirmar', title: 'Confirmar' } },
            { type: 'reply', reply: { id: 'remarcar', title: 'Remarcar' } },
          ],
        },
      },
    });
  });

  it('keeps private notes inside Santana', async () => {
    const conversation = await conversationWith();
    const before = graph.sends().length;
    const note = await reply(conversation.id, { content: 'Cliente VIP, atender rápido', private: true });
    expect(note).toMatchObject({ private: true, status: 'sent' });
    await sleep(200);
    expect(graph.sends().length).toBe(before);
  });
});

describe('rules checked before anything is sent', () => {
  it('refuses free text after the 24-hour window with 422 window_closed', async () => {
    const conversation = await conversationWith(25 * 60);
    await expect(reply(conversation.id, { content: 'oi' })).rejects.toMatchObject({
      code: 'window_closed',
      status: 422,
      message: 'A janela de 24 horas está fechada: envie um modelo aprovado',
    });
  });

  it('lets a template through after the window', async () => {
    const conversation = await conversationWith(48 * 60);
    const message = await reply(conversation.id, {
      template: {
        name: 'lembrete_evento',
        language: 'pt_BR',
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Maria' },
              { type: 'text', text: 'amanhã' },
            ],
          },
        ],
        rendered: 'Olá Maria, seu evento é amanhã.',
      },
    });
    await waitForMessage(message.id, (status) => status === 'sent');
    expect(graph.sends().at(-1)?.body).toMatchObject({
      type: 'template',
      template: { name: 'lembrete_evento', language: { code: 'pt_BR' } },
    });
  });

  it('refuses buttons beyond Meta’s limits with a 422 naming the field', async () => {
    const conversation = await conversationWith();
    await expect(
      reply(conversation.id, {
        interactive: {
          type: 'button',
          body: 'Escolha',
          buttons: [
            { id: 'a', title: 'Um título comprido demais para um botão' },
            { id: 'b', title: 'B' },
            { id: 'c', title: 'C' },
            { id: 'd', title: 'D' },
          ],
        },
      }),
    ).rejects.toMatchObject({ code: 'unprocessable', status: 422 });
    await expect(reply(conversation.id, { content: 'x'.repeat(4097) })).rejects.toMatchObject({ status: 422 });
    await expect(reply(conversation.id, { content: '   ' })).rejects.toMatchObject({ status: 422 });
  });
});

describe('when Meta says no', () => {
  it('marks a permanent error failed at once with the code and a Portuguese reason (131026)', async () => {
    const conversation = await conversationWith();
    graph.failNext({
      status: 400,
      code: 131026,
      title: 'Message undeliverable',
      details: 'Unable to deliver message.',
    });
    const message = await reply(conversation.id, { content: 'vai falhar' });
    const failed = await waitForMessage(message.id, (status) => status === 'failed');
    expect(failed).toMatchObject({
      error_code: '131026',
      error_title: 'Message undeliverable',
      error_details: 'Unable to deliver message.',
    });
    expect((failed.content_attributes as { external_error: string }).external_error).toBe(
      'Não foi possível entregar: o número não tem WhatsApp ou não aceitou os termos mais recentes do app.',
    );
    const attempts = await t.db
      .selectFrom('jobs')
      .select('attempts')
      .where('idempotency_key', '=', `send:${message.id}`)
      .executeTakeFirstOrThrow();
    expect(attempts.attempts).toBe(1);
  });

  it('retries temporary errors (429/130429, 5xx, a dropped connection) and sends once it works', async () => {
    const conversation = await conversationWith();
    graph.failNext({ status: 429, code: 130429, title: 'Rate limit hit', retryAfter: 1 });
    graph.failNext({ status: 500, code: 1, title: 'An unknown error occurred' });
    graph.dropNext();
    const before = graph.sends().length;
    const message = await reply(conversation.id, { content: 'com persistência' });
    const sent = await waitForMessage(message.id, (status) => status === 'sent', 30_000);
    expect(sent.source_id).toMatch(/^wamid\./);
    expect(graph.sends().length - before).toBe(4);
    const job = await t.db
      .selectFrom('jobs')
      .select('attempts')
      .where('idempotency_key', '=', `send:${message.id}`)
      .executeTakeFirstOrThrow();
    expect(job.attempts).toBe(4);
  }, 40_000);

  it('retries a send the Graph API did not answer in time', async () => {
    const conversation = await conversationWith();
    graph.hangNext();
    const message = await reply(conversation.id, { content: 'sem resposta' });
    const sent = await waitForMessage(message.id, (status) => status === 'sent', 15_000);
    expect(sent.source_id).toMatch(/^wamid\./);
  });

  it('marks the inbox for re-authorisation on error 190 and fails sends with the reason, not silently', async () => {
    const other = await createWhatsAppInbox(t);
    const savedInbox = inbox;
    inbox = other;
    const conversation = await conversationWith();
    inbox = savedInbox;
    graph.failNext({
      status: 401,
      code: 190,
      title: 'Error validating access token',
      message: 'Error validating access token: Session has expired',
    });
    const message = await reply(conversation.id, { content: 'token vencido' });
    const failed = await waitForMessage(message.id, (status) => status === 'failed');
    expect(failed.error_code).toBe('190');
    const row = await t.db.selectFrom('inboxes').selectAll().where('id', '=', other.id).executeTakeFirstOrThrow();
    expect(row.reauthorization_required_at).not.toBeNull();
    const ready = (await t.inject({ method: 'GET', url: '/readyz' })).json();
    expect(ready.inboxes_needing_reauthorization).toContainEqual(expect.objectContaining({ id: other.id }));
    const next = await reply(conversation.id, { content: 'de novo' });
    const alsoFailed = await waitForMessage(next.id, (status) => status === 'failed');
    expect(alsoFailed.error_code).toBe('190');
  });
});
