import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeGraph, startFakeGraph } from '../helpers/fake-graph.js';
import { settleJobs } from '../helpers/settle-jobs.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import {
  createWhatsAppInbox,
  messagePayload,
  postWebhook,
  type TestInbox,
  textPayload,
  waitForWebhooks,
} from '../helpers/whatsapp.js';

// The inbox decides with the app's clock: tests set the wall time. 2026-11-23 is a Monday; São Paulo is UTC-3.
let now = new Date('2026-11-23T12:00:00-03:00');
const setTime = (local: string) => {
  now = new Date(`${local}-03:00`);
};

let t: TestApp;
let graph: FakeGraph;
let inbox: TestInbox;
let admin: Awaited<ReturnType<TestApp['signIn']>>;

const OUT_OF_OFFICE =
  'Estamos fora do horário de atendimento (seg a sex, 9h às 18h). Responderemos assim que abrirmos.';
const WEEKDAYS_9_TO_18 = [1, 2, 3, 4, 5].map((day) => ({
  day_of_week: day,
  closed_all_day: false,
  open_hour: 9,
  open_minutes: 0,
  close_hour: 18,
  close_minutes: 0,
}));

beforeAll(async () => {
  graph = await startFakeGraph();
  t = await createTestApp({ env: { WHATSAPP_GRAPH_URL: graph.url }, clock: { now: () => new Date(now) } });
  inbox = await createWhatsAppInbox(t);
  admin = await t.signIn();
  await t.app.jobs.startWorker();
  t.app.jobs.startScheduler();
  const response = await patchInbox(inbox.id, {
    working_hours_enabled: true,
    working_hours: [
      ...WEEKDAYS_9_TO_18,
      { day_of_week: 0, closed_all_day: true },
      { day_of_week: 6, closed_all_day: true },
    ],
    out_of_office_message: OUT_OF_OFFICE,
    timezone: 'America/Sao_Paulo',
  });
  expect(response.statusCode, response.body).toBe(200);
});
afterAll(async () => {
  await t?.close();
  await graph?.close();
});

function patchInbox(id: number, payload: object) {
  return t.inject({
    method: 'PATCH',
    url: `/api/v1/accounts/1/inboxes/${id}`,
    headers: admin.tokenHeaders,
    payload,
  });
}

/** Waits until the reactions to incoming messages and the sends they queued have run. */
async function settle(timeoutMs = 10_000) {
  await settleJobs(t.db, { names: ['business_events.handle', 'whatsapp.send_message'], timeoutMs, scheduled: 'any' });
}

let sequence = 0;
const newContact = () => `5521966${String(++sequence).padStart(6, '0')}`;

/** A contact's message, processed, with everything it triggered settled; returns its conversation id. */
async function incoming(from: string, message: Record<string, unknown> = { type: 'text', text: { body: 'Oi' } }) {
  const payload =
    message.type === 'text' && typeof (message.text as { body?: unknown }).body === 'string'
      ? textPayload(inbox.phoneNumberId, {
          from,
          wamid: `wamid.hours-${from}-${++sequence}`,
          text: (message.text as { body: string }).body,
        })
      : messagePayload(inbox.phoneNumberId, { from, message: { id: `wamid.hours-${from}-${++sequence}`, ...message } });
  expect((await postWebhook(t, payload, inbox.appSecret)).statusCode).toBe(200);
  await waitForWebhooks(t);
  await settle();
  const conversation = await t.db
    .selectFrom('conversations')
    .innerJoin('contact_inboxes', 'contact_inboxes.id', 'conversations.contact_inbox_id')
    .select(['conversations.id', 'conversations.additional_attributes'])
    .where('contact_inboxes.source_id', '=', from)
    .orderBy('conversations.id', 'desc')
    .executeTakeFirstOrThrow();
  return conversation.id;
}

const outOfOfficeReplies = (conversationId: number) =>
  t.db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('message_type', '=', 1)
    .where('content', '=', OUT_OF_OFFICE)
    .orderBy('id')
    .execute();

describe('business hours settings', () => {
  it('returns the inbox’s hours, message and time zone in Chatwoot’s shape', async () => {
    const response = await t.inject({
      method: 'GET',
      url: `/api/v1/accounts/1/inboxes/${inbox.id}`,
      headers: admin.tokenHeaders,
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({
      working_hours_enabled: true,
      out_of_office_message: OUT_OF_OFFICE,
      timezone: 'America/Sao_Paulo',
      greeting_enabled: false,
    });
    expect(body.working_hours).toHaveLength(7);
    expect(body.working_hours[0]).toEqual({
      day_of_week: 0,
      closed_all_day: true,
      open_all_day: false,
      open_hour: null,
      open_minutes: null,
      close_hour: null,
      close_minutes: null,
    });
    expect(body.working_hours[3]).toMatchObject({
      day_of_week: 3,
      open_hour: 9,
      close_hour: 18,
      closed_all_day: false,
    });
  });

  it('changes only the days sent, and shows APP_TIMEZONE for an inbox without its own', async () => {
    const other = await createWhatsAppInbox(t);
    const response = await patchInbox(other.id, {
      working_hours: [{ day_of_week: 6, closed_all_day: false, open_hour: 8, open_minutes: 30, close_hour: 12 }],
    });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body.timezone).toBe('America/Sao_Paulo');
    expect(body.working_hours_enabled).toBe(false);
    expect(body.working_hours[6]).toMatchObject({ open_hour: 8, open_minutes: 30, close_hour: 12, close_minutes: 0 });
    // Chatwoot's default for the days not sent: Monday to Friday, 09:00–17:00.
    expect(body.working_hours[1]).toMatchObject({ open_hour: 9, close_hour: 17 });
  });

  it('accepts the settings when an inbox is created', async () => {
    const response = await t.inject({
      method: 'POST',
      url: '/api/v1/accounts/1/inboxes',
      headers: admin.tokenHeaders,
      payload: {
        name: 'API com horário',
        channel: { type: 'api' },
        working_hours_enabled: true,
        out_of_office_message: 'Fechados agora.',
        timezone: 'America/Manaus',
      },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      working_hours_enabled: true,
      out_of_office_message: 'Fechados agora.',
      timezone: 'America/Manaus',
    });
  });

  it('refuses bad hours and unknown time zones with 422 naming the field, and changes nothing', async () => {
    const cases: Array<[object, string]> = [
      [
        { working_hours: [{ day_of_week: 1, open_hour: 24, open_minutes: 0, close_hour: 18 }] },
        'working_hours.0.open_hour',
      ],
      [
        { working_hours: [{ day_of_week: 2, open_hour: 18, open_minutes: 0, close_hour: 9, close_minutes: 0 }] },
        'working_hours.0.close_hour',
      ],
      [{ working_hours: [{ day_of_week: 7, closed_all_day: true }] }, 'working_hours.0.day_of_week'],
      [
        {
          working_hours: [
            { day_of_week: 1, closed_all_day: true },
            { day_of_week: 1, closed_all_day: true },
          ],
        },
        'working_hours.1.day_of_week',
      ],
      [{ timezone: 'America/Atlantida' }, 'timezone'],
    ];
    for (const [payload, field] of cases) {
      const response = await patchInbox(inbox.id, { ...payload, out_of_office_message: 'não deve ser salvo' });
      expect(response.statusCode, JSON.stringify(payload)).toBe(422);
      expect(response.json()).toMatchObject({ error: 'unprocessable', details: [expect.objectContaining({ field })] });
    }
    const stored = await t.db
      .selectFrom('inboxes')
      .select(['out_of_office_message', 'timezone'])
      .where('id', '=', inbox.id)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ out_of_office_message: OUT_OF_OFFICE, timezone: 'America/Sao_Paulo' });
  });

  it('answers 400 for a value of the wrong type', async () => {
    const response = await patchInbox(inbox.id, { working_hours: [{ day_of_week: 'segunda' }] });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toContain('working_hours');
  });
});

describe('out-of-office reply', () => {
  it('sends nothing while the inbox is open', async () => {
    setTime('2026-11-23T10:30:00');
    const conversationId = await incoming(newContact());
    expect(await outOfOfficeReplies(conversationId)).toHaveLength(0);
  });

  it('replies once per conversation for each closed period, as an outgoing message WhatsApp receives', async () => {
    const contact = newContact();
    setTime('2026-11-23T20:00:00');
    const conversationId = await incoming(contact);
    const [reply] = await outOfOfficeReplies(conversationId);
    expect(reply).toMatchObject({
      message_type: 1,
      sender_type: 'system',
      private: false,
      content_attributes: expect.objectContaining({ automation: 'out_of_office' }),
    });
    expect(reply?.status).not.toBe('failed');
    const sent = graph.requests.filter(
      (request) => (request.body as { text?: { body?: string } } | null)?.text?.body === OUT_OF_OFFICE,
    );
    expect(sent.map((request) => (request.body as { to: string }).to)).toContain(contact);

    // Still the same closed period (the night, then early next morning): no second reply.
    setTime('2026-11-23T22:15:00');
    await incoming(contact, { type: 'text', text: { body: 'alguém aí?' } });
    setTime('2026-11-24T08:55:00');
    await incoming(contact, { type: 'text', text: { body: 'bom dia' } });
    expect(await outOfOfficeReplies(conversationId)).toHaveLength(1);

    // Open on Tuesday: nothing; closed again on Tuesday night: a new period, a new reply.
    setTime('2026-11-24T10:00:00');
    await incoming(contact, { type: 'text', text: { body: 'e agora?' } });
    expect(await outOfOfficeReplies(conversationId)).toHaveLength(1);
    setTime('2026-11-24T19:30:00');
    await incoming(contact, { type: 'text', text: { body: 'voltei' } });
    expect(await outOfOfficeReplies(conversationId)).toHaveLength(2);
  });

  it('treats the weekend as one closed period', async () => {
    const contact = newContact();
    setTime('2026-11-27T18:30:00');
    const conversationId = await incoming(contact);
    setTime('2026-11-28T11:00:00');
    await incoming(contact, { type: 'text', text: { body: 'sábado' } });
    setTime('2026-11-29T15:00:00');
    await incoming(contact, { type: 'text', text: { body: 'domingo' } });
    expect(await outOfOfficeReplies(conversationId)).toHaveLength(1);
  });

  it('does not answer a button reply (an answer to an offer) while closed', async () => {
    setTime('2026-11-23T23:00:00');
    const conversationId = await incoming(newContact(), {
      type: 'interactive',
      interactive: { type: 'button_reply', button_reply: { id: 'offer:1:abc:accept', title: 'Aceitar' } },
    });
    expect(await outOfOfficeReplies(conversationId)).toHaveLength(0);
  });

  it('on a new conversation while closed, sends the out-of-office reply first, then the greeting', async () => {
    const other = await createWhatsAppInbox(t);
    const response = await patchInbox(other.id, {
      working_hours_enabled: true,
      out_of_office_message: OUT_OF_OFFICE,
      greeting_enabled: true,
      greeting_message: 'Olá! Escolha uma opção.',
      greeting_menu: [
        { key: '1', title: 'Orçamento de evento' },
        { key: '2', title: 'Falar com atendente' },
      ],
    });
    expect(response.statusCode, response.body).toBe(200);
    setTime('2026-11-23T21:00:00');
    const from = newContact();
    await postWebhook(
      t,
      textPayload(other.phoneNumberId, { from, wamid: `wamid.both-${from}`, text: 'oi' }),
      other.appSecret,
    );
    await waitForWebhooks(t);
    await settle();
    const replies = await t.db
      .selectFrom('messages')
      .select(['id', 'content', 'status'])
      .where('inbox_id', '=', other.id)
      .where('message_type', '=', 1)
      .orderBy('id')
      .execute();
    expect(replies.map((reply) => reply.content)).toEqual([OUT_OF_OFFICE, 'Olá! Escolha uma opção.']);
    expect(replies.every((reply) => reply.status === 'sent')).toBe(true);
    const toContact = graph.requests
      .map((request) => request.body as { to?: string; type?: string })
      .filter((body) => body?.to === from);
    // The second goes out only once the first has settled, so WhatsApp shows them in this order.
    expect(toContact.map((body) => body.type)).toEqual(['text', 'interactive']);
  });

  it('stops when business hours are turned off', async () => {
    const other = await createWhatsAppInbox(t);
    expect(
      (await patchInbox(other.id, { working_hours_enabled: true, out_of_office_message: OUT_OF_OFFICE })).statusCode,
    ).toBe(200);
    expect((await patchInbox(other.id, { working_hours_enabled: false })).statusCode).toBe(200);
    setTime('2026-11-23T23:30:00');
    const from = newContact();
    await postWebhook(
      t,
      textPayload(other.phoneNumberId, { from, wamid: `wamid.off-${from}`, text: 'oi' }),
      other.appSecret,
    );
    await waitForWebhooks(t);
    await settle();
    const replies = await t.db
      .selectFrom('messages')
      .select('id')
      .where('inbox_id', '=', other.id)
      .where('message_type', '=', 1)
      .execute();
    expect(replies).toHaveLength(0);
  });
});
