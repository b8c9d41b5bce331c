import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/transaction.js';
import { sleep } from '../../src/shared/clock.js';
import { eventually } from '../helpers/eventually.js';
import { type FakeGraph, startFakeGraph } from '../helpers/fake-graph.js';
import { createLogCapture, createTestApp, type TestApp } from '../helpers/test-app.js';
import { onPostgres, testRedisUrl } from '../helpers/test-database.js';
import { createWhatsAppInbox, postWebhook, type TestInbox, textPayload, waitForWebhooks } from '../helpers/whatsapp.js';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  // biome-ignore lint/suspicious/noExplicitAny: webhook bodies are checked field by field
  json: any;
}

/** A local receiver: records every POST and answers the statuses scripted for its path (200 by default). */
async function startReceiver() {
  const received: Received[] = [];
  const scripts = new Map<string, Array<{ status: number; location?: string; body?: string }>>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = request.url ?? '/';
      received.push({ path, headers: request.headers, body, json: JSON.parse(body) });
      const next = scripts.get(path)?.shift() ?? { status: 200 };
      response.writeHead(next.status, next.location ? { location: next.location } : {});
      response.end(next.body ?? 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    at: (path: string) => received.filter((request) => request.path === path),
    script: (path: string, ...answers: Array<{ status: number; location?: string; body?: string }>) =>
      scripts.set(path, answers),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let t: TestApp;
let graph: FakeGraph;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let inbox: TestInbox;
let admin: Awaited<ReturnType<TestApp['signIn']>>;
const logs = createLogCapture();
const secrets: string[] = [];

beforeAll(async () => {
  graph = await startFakeGraph();
  receiver = await startReceiver();
  t = await createTestApp({
    env: { WHATSAPP_GRAPH_URL: graph.url },
    logs,
    webhookDelivery: { timeoutMs: 2_000, maxAttempts: 3, backoff: { baseMs: 50, maxMs: 100 } },
  });
  inbox = await createWhatsAppInbox(t);
  admin = await t.signIn();
  await t.app.jobs.startWorker();
  t.app.jobs.startScheduler();
});
afterEach(async () => {
  // Each test owns its webhooks; removing them keeps later events away from earlier receivers.
  await t.db.deleteFrom('webhooks').where('account_id', '=', 1).execute();
});
afterAll(async () => {
  await t.close();
  await graph.close();
  await receiver.close();
});

const api = (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: unknown, headers = admin) =>
  t.inject({
    method,
    url: `/api/v1/accounts/1/webhooks${url}`,
    headers: headers.tokenHeaders,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

async function createWebhook(path: string, subscriptions: string[], extra: Record<string, unknown> = {}) {
  const response = await api('POST', '', { url: `${receiver.url}${path}`, subscriptions, ...extra });
  expect(response.statusCode, response.body).toBe(200);
  const { webhook } = response.json().payload;
  secrets.push(webhook.secret);
  return webhook as { id: number; secret: string; url: string };
}

let sequence = 0;
async function incoming(text: string, target: TestInbox = inbox) {
  sequence++;
  const from = `5521987${String(sequence).padStart(6, '0')}`;
  await postWebhook(
    t,
    textPayload(target.phoneNumberId, { from, wamid: `wamid.hook-${sequence}-${Date.now()}`, text, name: 'Joana' }),
    target.appSecret,
  );
  await waitForWebhooks(t);
  return t.db
    .selectFrom('conversations')
    .innerJoin('contact_inboxes', 'contact_inboxes.id', 'conversations.contact_inbox_id')
    .select(['conversations.id', 'conversations.display_id'])
    .where('contact_inboxes.source_id', '=', from)
    .executeTakeFirstOrThrow();
}

/** Waits until `count` requests reached `path` on the receiver. */
const arrived = (path: string, count = 1) =>
  eventually(() => receiver.at(path).length >= count && receiver.at(path), { what: `${count} request(s) at ${path}` });

const deliveriesOf = (webhookId: number) =>
  t.db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', webhookId).orderBy('id').execute();

/** Waits until every delivery of a webhook has settled (delivered or failed). */
const settled = (webhookId: number, count: number) =>
  eventually(
    async () => {
      const rows = await deliveriesOf(webhookId);
      return rows.length === count && rows.every((row) => row.status !== 'pending') ? rows : null;
    },
    { what: `${count} settled deliveries` },
  );

describe('managing webhooks', () => {
  it('creates, lists, updates and deletes a webhook in Chatwoot’s shapes, with a secret for the signature', async () => {
    const created = await api('POST', '', {
      url: `${receiver.url}/crud`,
      subscriptions: ['message_created', 'conversation_typing_on'],
      name: 'n8n',
    });
    expect(created.statusCode).toBe(200);
    const { webhook } = created.json().payload;
    secrets.push(webhook.secret);
    expect(webhook).toMatchObject({
      account_id: 1,
      name: 'n8n',
      url: `${receiver.url}/crud`,
      subscriptions: ['message_created', 'conversation_typing_on'],
      inbox_id: null,
      inbox: null,
    });
    expect(webhook.secret).toMatch(/^[A-Za-z0-9_-]{24,}$/);
    const stored = await t.db.selectFrom('webhooks').select('secret').where('id', '=', webhook.id).executeTakeFirst();
    expect(stored?.secret).not.toContain(webhook.secret);

    expect((await api('GET', '')).json().payload.webhooks).toEqual([webhook]);

    const patched = await api('PATCH', `/${webhook.id}`, { subscriptions: ['contact_created'], inbox_id: inbox.id });
    expect(patched.json().payload.webhook).toMatchObject({
      subscriptions: ['contact_created'],
      inbox_id: inbox.id,
      inbox: { id: inbox.id, name: expect.any(String) },
      secret: webhook.secret,
    });
    const put = await api('PUT', `/${webhook.id}`, { name: 'renomeado', inbox_id: null });
    expect(put.json().payload.webhook).toMatchObject({ name: 'renomeado', inbox_id: null });

    expect((await api('DELETE', `/${webhook.id}`)).statusCode).toBe(200);
    expect((await api('GET', '')).json().payload.webhooks).toEqual([]);
    expect((await api('DELETE', `/${webhook.id}`)).statusCode).toBe(404);
  });

  it('answers 422 in Portuguese for unknown events, non-http URLs, no events, foreign inboxes and repeated URLs', async () => {
    const unknownEvent = await api('POST', '', { url: `${receiver.url}/x`, subscriptions: ['message_deleted'] });
    expect(unknownEvent.statusCode).toBe(422);
    expect(unknownEvent.json()).toMatchObject({
      error: 'unprocessable',
      message: expect.stringContaining('message_deleted'),
    });
    for (const url of ['ftp://example.com/hook', 'javascript:alert(1)', 'não é url']) {
      const response = await api('POST', '', { url, subscriptions: ['message_created'] });
      expect(response.statusCode, url).toBe(422);
      expect(response.json().message).toContain('http');
    }
    expect((await api('POST', '', { url: `${receiver.url}/x`, subscriptions: [] })).statusCode).toBe(422);
    const foreignInbox = await api('POST', '', {
      url: `${receiver.url}/x`,
      subscriptions: ['message_created'],
      inbox_id: 999_999,
    });
    expect(foreignInbox.statusCode).toBe(422);
    await createWebhook('/taken', ['message_created']);
    expect(
      (await api('POST', '', { url: `${receiver.url}/taken`, subscriptions: ['message_created'] })).statusCode,
    ).toBe(422);
    expect((await api('PATCH', '/999999', { name: 'x' })).statusCode).toBe(404);
  });

  it('is for administrators only', async () => {
    const email = `agente-${Date.now()}@example.com`;
    const invite = await t.inject({
      method: 'POST',
      url: '/api/v1/accounts/1/agents',
      headers: admin.tokenHeaders,
      payload: { name: 'Agente', email, role: 'agent', password: 'senha-do-agente-1' },
    });
    expect(invite.statusCode).toBe(200);
    const agent = await t.signIn(email, 'senha-do-agente-1');
    const webhook = await createWebhook('/admin-only', ['message_created']);
    expect((await api('GET', '', undefined, agent)).statusCode).toBe(403);
    expect(
      (await api('POST', '', { url: `${receiver.url}/a`, subscriptions: ['message_created'] }, agent)).statusCode,
    ).toBe(403);
    expect((await api('DELETE', `/${webhook.id}`, undefined, agent)).statusCode).toBe(403);
    expect((await api('GET', `/${webhook.id}/deliveries`, undefined, agent)).statusCode).toBe(403);
  });
});

describe('dispatching events', () => {
  it('sends one signed message_created with Chatwoot’s fields for a WhatsApp message, even if the event is seen twice', async () => {
    const webhook = await createWebhook('/incoming', ['message_created']);
    const conversation = await incoming('Olá, quero um orçamento');
    const [request] = await arrived('/incoming');
    if (!request) throw new Error('no request');

    const timestamp = Number(request.headers['x-chatwoot-timestamp']);
    expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(60);
    const expected = createHmac('sha256', webhook.secret).update(`${timestamp}.${request.body}`).digest('hex');
    expect(request.headers['x-chatwoot-signature']).toBe(`sha256=${expected}`);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['user-agent']).toBe('Santana-Webhooks');
    expect(request.headers['x-chatwoot-delivery']).toMatch(/^[0-9a-f-]{36}$/);

    expect(request.json).toMatchObject({
      event: 'message_created',
      id: expect.any(Number),
      content: 'Olá, quero um orçamento',
      content_type: 'text',
      content_attributes: expect.any(Object),
      message_type: 'incoming',
      private: false,
      source_id: expect.stringMatching(/^wamid\.hook-/),
      sender: { name: 'Joana', type: 'contact', phone_number: expect.stringMatching(/^\+5521/), account: { id: 1 } },
      inbox: { id: inbox.id, name: expect.any(String) },
      account: { id: 1, name: expect.any(String) },
      conversation: {
        id: conversation.display_id,
        inbox_id: inbox.id,
        status: 'open',
        channel: 'Channel::Whatsapp',
        labels: [],
        contact_inbox: { inbox_id: inbox.id, source_id: expect.stringMatching(/^5521/) },
        meta: { sender: { name: 'Joana' }, assignee: null },
      },
    });
    expect(new Date(request.json.created_at).toISOString()).toBe(request.json.created_at);
    expect(request.json).not.toHaveProperty('attachments');

    // Another process (or a replay) publishing the same creation adds nothing.
    t.app.events.publish({ accountId: 1, name: 'message.created', data: { id: request.json.id } });
    await sleep(300);
    const rows = await settled(webhook.id, 1);
    expect(rows[0]).toMatchObject({ event: 'message_created', status: 'delivered', attempts: 1, response_status: 200 });
    expect(receiver.at('/incoming')).toHaveLength(1);
  });

  it('sends message_created for an agent’s reply (outgoing, sent by the user) and for a private note', async () => {
    const conversation = await incoming('pode me responder?');
    await createWebhook('/replies', ['message_created']);
    const reply = await t.inject({
      method: 'POST',
      url: `/api/v1/accounts/1/conversations/${conversation.display_id}/messages`,
      headers: admin.tokenHeaders,
      payload: { content: 'Claro! Qual a data?' },
    });
    expect(reply.statusCode).toBe(200);
    await t.inject({
      method: 'POST',
      url: `/api/v1/accounts/1/conversations/${conversation.display_id}/messages`,
      headers: admin.tokenHeaders,
      payload: { content: 'cliente VIP', private: true },
    });
    const requests = await arrived('/replies', 2);
    const bodies = requests.map((request) => request.json);
    expect(bodies.find((body) => body.content === 'Claro! Qual a data?')).toMatchObject({
      message_type: 'outgoing',
      private: false,
      sender: { id: admin.user.id, type: 'user', email: 'admin@example.com' },
      conversation: { id: conversation.display_id },
    });
    expect(bodies.find((body) => body.content === 'cliente VIP')).toMatchObject({
      message_type: 'outgoing',
      private: true,
    });
  });

  it('sends only the subscribed events: toggle_status → conversation_status_changed', async () => {
    const statusHook = await createWebhook('/status', ['conversation_status_changed']);
    const messageHook = await createWebhook('/messages-only', ['message_created']);
    const conversation = await incoming('obrigada, era só isso');
    await t.inject({
      method: 'POST',
      url: `/api/v1/accounts/1/conversations/${conversation.display_id}/toggle_status`,
      headers: admin.tokenHeaders,
      payload: {},
    });
    const [changed] = await arrived('/status');
    expect(changed?.json).toMatchObject({
      event: 'conversation_status_changed',
      id: conversation.display_id,
      status: 'resolved',
      inbox_id: inbox.id,
      meta: { sender: { name: 'Joana' } },
    });
    await settled(statusHook.id, 1);
    await settled(messageHook.id, 1);
    expect(receiver.at('/status').map((request) => request.json.event)).toEqual(['conversation_status_changed']);
    expect(receiver.at('/messages-only').map((request) => request.json.event)).toEqual(['message_created']);
  });

  it('limits a webhook with inbox_id to that inbox’s events', async () => {
    const other = await createWhatsAppInbox(t);
    const scoped = await createWebhook('/scoped', ['message_created'], { inbox_id: other.id });
    await incoming('para a primeira caixa');
    await incoming('para a segunda caixa', other);
    const [request] = await arrived('/scoped');
    expect(request?.json).toMatchObject({ content: 'para a segunda caixa', inbox: { id: other.id } });
    await sleep(300);
    expect(await deliveriesOf(scoped.id)).toHaveLength(1);
  });
});

describe('contact events', () => {
  it('sends contact_created and contact_updated with the contact’s webhook data, to account-wide webhooks only', async () => {
    await createWebhook('/contacts', ['contact_created', 'contact_updated']);
    const scoped = await createWebhook('/contacts-in-inbox', ['contact_created'], { inbox_id: inbox.id });
    const contacts = (method: 'POST' | 'PUT', url: string, payload: object) =>
      t.inject({ method, url: `/api/v1/accounts/1/contacts${url}`, headers: admin.tokenHeaders, payload });
    const created = await contacts('POST', '', { name: 'Marta Eventos', email: 'marta@example.com' });
    expect(created.statusCode, created.body).toBe(200);
    const id = created.json().payload.contact.id;
    // The payload is built from the row just after the commit (ADR 0006): the update waits for it.
    await arrived('/contacts', 1);
    expect((await contacts('PUT', `/${id}`, { name: 'Marta Buffet' })).statusCode).toBe(200);
    const requests = await arrived('/contacts', 2);
    // Two jobs run side by side, so arrival order is not guaranteed.
    const bodies = requests.map((request) => request.json).sort((a, b) => a.event.localeCompare(b.event));
    expect(bodies).toEqual([
      expect.objectContaining({
        event: 'contact_created',
        id,
        name: 'Marta Eventos',
        email: 'marta@example.com',
        account: { id: 1, name: expect.any(String) },
      }),
      expect.objectContaining({ event: 'contact_updated', id, name: 'Marta Buffet', changed_attributes: null }),
    ]);
    expect(await deliveriesOf(scoped.id)).toHaveLength(0);
  });
});

describe('delivering', () => {
  it('retries a 500 with the same X-Chatwoot-Delivery and logs every attempt', async () => {
    receiver.script('/flaky', { status: 500, body: 'erro interno do n8n' }, { status: 200 });
    const webhook = await createWebhook('/flaky', ['message_created']);
    await incoming('tente de novo');
    const [row] = await settled(webhook.id, 1);
    expect(row).toMatchObject({ status: 'delivered', attempts: 2, response_status: 200, error: null });
    const requests = receiver.at('/flaky');
    expect(requests).toHaveLength(2);
    expect(requests[1]?.headers['x-chatwoot-delivery']).toBe(requests[0]?.headers['x-chatwoot-delivery']);
    expect(requests[1]?.body).toBe(requests[0]?.body);

    const log = await api('GET', `/${webhook.id}/deliveries?page=1`);
    expect(log.statusCode).toBe(200);
    expect(log.json().payload).toEqual([
      expect.objectContaining({
        delivery_id: requests[0]?.headers['x-chatwoot-delivery'],
        event: 'message_created',
        status: 'delivered',
        attempts: 2,
        response_status: 200,
        delivered_at: expect.any(String),
      }),
    ]);
  });

  it('fails a 400 at once, then redelivers it with the same X-Chatwoot-Delivery', async () => {
    receiver.script('/refuses', { status: 400, body: '{"erro":"campo ausente"}' });
    const webhook = await createWebhook('/refuses', ['message_created']);
    await incoming('isto vai falhar');
    const [failed] = await settled(webhook.id, 1);
    expect(failed).toMatchObject({
      status: 'failed',
      attempts: 1,
      response_status: 400,
      response_body: '{"erro":"campo ausente"}',
      error: expect.stringContaining('400'),
    });
    if (!failed) throw new Error('no delivery');
    await sleep(200);
    expect(receiver.at('/refuses')).toHaveLength(1);

    const redelivered = await api('POST', `/${webhook.id}/deliveries/${failed.delivery_id}/redeliver`);
    expect(redelivered.statusCode, redelivered.body).toBe(200);
    expect(redelivered.json().payload).toMatchObject({ delivery_id: failed.delivery_id, status: 'pending' });
    const [done] = await settled(webhook.id, 1);
    expect(done).toMatchObject({ status: 'delivered', attempts: 2 });
    const requests = receiver.at('/refuses');
    expect(requests).toHaveLength(2);
    expect(requests[1]?.headers['x-chatwoot-delivery']).toBe(failed.delivery_id);

    const again = await api('POST', `/${webhook.id}/deliveries/${failed.delivery_id}/redeliver`);
    expect(again.statusCode).toBe(409);
    const unknown = await api('POST', `/${webhook.id}/deliveries/00000000-0000-4000-8000-000000000000/redeliver`);
    expect(unknown.statusCode).toBe(404);
  });

  it('gives up after the last attempt, and never follows a redirect', async () => {
    receiver.script('/down', { status: 503 }, { status: 502 }, { status: 500 });
    receiver.script('/moved', { status: 302, location: `${receiver.url}/elsewhere` });
    const down = await createWebhook('/down', ['message_created']);
    const moved = await createWebhook('/moved', ['message_created']);
    await incoming('ninguém recebe');
    const [gaveUp] = await settled(down.id, 1);
    expect(gaveUp).toMatchObject({ status: 'failed', attempts: 3, response_status: 500 });
    const [redirected] = await settled(moved.id, 1);
    expect(redirected).toMatchObject({ status: 'failed', attempts: 1, response_status: 302 });
    expect(redirected?.error).toContain(`${receiver.url}/elsewhere`);
    expect(receiver.at('/elsewhere')).toHaveLength(0);
  });
});

describe('Santana events', () => {
  let booking = 0;
  const crm = (method: 'POST' | 'PATCH', url: string, payload: object) =>
    t.inject({ method, url: `/api/v1/accounts/1${url}`, headers: admin.tokenHeaders, payload });

  async function person(name: string) {
    return t.db
      .insertInto('contacts')
      .values({
        account_id: 1,
        name,
        phone_number: `+55119${String(Date.now()).slice(-8)}`,
        custom_attributes: '{}',
        additional_attributes: '{}',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
  }

  /** A client's event needing one provider of a new service, and a provider offering it. */
  async function bookEvent() {
    booking++;
    const service = await t.db
      .insertInto('service_types')
      .values({ account_id: 1, name: `Garçom ${process.pid}-${booking}` })
      .returning(['id', 'name'])
      .executeTakeFirstOrThrow();
    const client = await t.db
      .insertInto('clients')
      .values({ account_id: 1, contact_id: (await person('Cliente Webhook')).id, address: '{}' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const provider = await t.db
      .insertInto('providers')
      .values({ account_id: 1, contact_id: (await person('Paulo Prestador')).id, active: true, rating: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    await t.db
      .insertInto('provider_services')
      .values({ provider_id: provider.id, service_type_id: service.id, account_id: 1 })
      .execute();
    const start = new Date(Date.UTC(2031, 2, 1, 22) + booking * 86_400_000);
    const created = await crm('POST', '/events', {
      title: `Casamento ${booking}`,
      client_id: client.id,
      starts_at: start.toISOString(),
      ends_at: new Date(start.getTime() + 4 * 3_600_000).toISOString(),
      staffing: [{ service: service.name, quantity: 1 }],
    });
    expect(created.statusCode, created.body).toBe(201);
    return { event: created.json() as { id: number; title: string }, client, provider, service };
  }

  const record = (name: string, data: Record<string, unknown>) =>
    inTransaction(t.db, (tx) => t.app.services.businessEvents.record(tx, { accountId: 1, name, data }));

  it('are subscribable, and not part of the Chatwoot default a webhook gets without subscriptions', async () => {
    const response = await api('POST', '', { url: `${receiver.url}/defaults` });
    expect(response.statusCode).toBe(200);
    const { subscriptions } = response.json().payload.webhook;
    secrets.push(response.json().payload.webhook.secret);
    expect(subscriptions).toContain('message_created');
    expect(subscriptions).not.toContain('event_created');
    const santana = await createWebhook('/santana-all', [
      'event_created',
      'event_updated',
      'event_rescheduled',
      'event_confirmed',
      'event_cancelled',
      'event_deleted',
      'assignment_created',
      'assignment_accepted',
      'assignment_declined',
      'assignment_withdrawn',
      'offer_expired',
      'notification_sent',
      'notification_failed',
    ]);
    expect(santana.id).toBeGreaterThan(0);
  });

  it('sends event_created, event_updated and event_cancelled signed like Chatwoot’s, to account-wide webhooks only', async () => {
    const webhook = await createWebhook('/crm-events', ['event_created', 'event_updated', 'event_cancelled']);
    const scoped = await createWebhook('/crm-events-inbox', ['event_created'], { inbox_id: inbox.id });
    const { event, client } = await bookEvent();
    const [created] = await arrived('/crm-events');
    if (!created) throw new Error('no request');
    const timestamp = Number(created.headers['x-chatwoot-timestamp']);
    const expected = createHmac('sha256', webhook.secret).update(`${timestamp}.${created.body}`).digest('hex');
    expect(created.headers['x-chatwoot-signature']).toBe(`sha256=${expected}`);
    expect(created.headers['x-chatwoot-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.json).toMatchObject({
      event: 'event_created',
      id: event.id,
      title: event.title,
      status: 'scheduled',
      client: { id: client.id, name: 'Cliente Webhook' },
      staffing: [expect.objectContaining({ quantity: 1, filled: 0 })],
      account: { id: 1, name: expect.any(String) },
      occurred_at: expect.any(String),
    });

    expect((await crm('PATCH', `/events/${event.id}`, { status: 'cancelled' })).statusCode).toBe(200);
    const requests = await arrived('/crm-events', 3);
    const byEvent = Object.fromEntries(requests.map((request) => [request.json.event, request.json]));
    expect(byEvent.event_updated).toMatchObject({
      id: event.id,
      status: 'cancelled',
      previous: { status: 'scheduled' },
    });
    expect(byEvent.event_cancelled).toMatchObject({ id: event.id, status: 'cancelled' });
    await settled(webhook.id, 3);
    expect(await deliveriesOf(scoped.id)).toHaveLength(0);
  });

  it('sends assignment_created and assignment_accepted with the provider and the booked event', async () => {
    await createWebhook('/assignments', ['assignment_created', 'assignment_accepted']);
    const { event, provider, service } = await bookEvent();
    const assigned = await crm('POST', `/events/${event.id}/assignments`, {
      provider_id: provider.id,
      service: service.id,
    });
    expect(assigned.statusCode, assigned.body).toBe(201);
    const assignmentId = assigned.json().id as number;
    const [created] = await arrived('/assignments');
    expect(created?.json).toMatchObject({
      event: 'assignment_created',
      id: assignmentId,
      status: 'assigned',
      service: service.name,
      provider: { id: provider.id, name: 'Paulo Prestador', phone_number: expect.stringMatching(/^\+55/) },
      calendar_event: { id: event.id, title: event.title },
    });

    // What dispatch records when the provider taps Aceitar (assignment.accepted, data: the offer).
    await t.db
      .updateTable('assignments')
      .set({ status: 'accepted', responded_at: new Date(), response_source: 'button' })
      .where('id', '=', assignmentId)
      .execute();
    await record('assignment.accepted', { id: assignmentId, event_id: event.id, provider_id: provider.id });
    const requests = await arrived('/assignments', 2);
    expect(requests.map((request) => request.json.event).sort()).toEqual(['assignment_accepted', 'assignment_created']);
    expect(requests.find((request) => request.json.event === 'assignment_accepted')?.json).toMatchObject({
      id: assignmentId,
      status: 'accepted',
      response_source: 'button',
      provider: { id: provider.id },
      calendar_event: { id: event.id, staffing: [expect.objectContaining({ filled: 1 })] },
    });
  });

  it('sends notification_failed with the notification, its contact and the reason', async () => {
    await createWebhook('/notifications', ['notification_failed']);
    const contact = await person('Cliente Sem WhatsApp');
    const notification = await t.db
      .insertInto('notifications')
      .values({
        account_id: 1,
        key: `test:webhook:${Date.now()}`,
        kind: 'rule',
        contact_id: contact.id,
        due_at: new Date(),
        status: 'failed',
        channel: 'whatsapp',
        error_code: '131026',
        reason: 'O número não tem WhatsApp.',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await record('notification.failed', {
      notification_id: notification.id,
      contact_id: contact.id,
      kind: 'rule',
      channel: 'whatsapp',
      error_code: '131026',
      reason: 'O número não tem WhatsApp.',
    });
    const [request] = await arrived('/notifications');
    expect(request?.json).toMatchObject({
      event: 'notification_failed',
      id: notification.id,
      status: 'failed',
      channel: 'whatsapp',
      error_code: '131026',
      reason: 'O número não tem WhatsApp.',
      contact: { id: contact.id, name: 'Cliente Sem WhatsApp' },
      account: { id: 1 },
    });
  });
});

describe.runIf(onPostgres && testRedisUrl)('two processes on one Redis', () => {
  it('delivers an update once, although both processes receive the event', async () => {
    const second = await createTestApp({ database: t.database, env: { REDIS_PREFIX: t.config.redis?.prefix } });
    try {
      const seen: string[] = [];
      second.app.events.subscribe((event) => {
        if (event.name === 'message.updated') seen.push(event.id ?? '');
      });
      const webhook = await createWebhook('/cluster', ['message_updated']);
      const conversation = await incoming('duas instâncias');
      const message = await t.db
        .selectFrom('messages')
        .select('id')
        .where('conversation_id', '=', conversation.id)
        .executeTakeFirstOrThrow();
      t.app.events.publish({ accountId: 1, name: 'message.updated', data: { id: message.id } });
      await eventually(() => seen.length > 0, { what: 'the second process to see the event' });
      await settled(webhook.id, 1);
      await sleep(300);
      expect(await deliveriesOf(webhook.id)).toHaveLength(1);
      expect(receiver.at('/cluster')).toHaveLength(1);
    } finally {
      await second.close();
    }
  });
});

describe('secrets', () => {
  it('never writes a webhook secret to the logs', () => {
    expect(secrets.length).toBeGreaterThan(3);
    expect(logs.lines.length).toBeGreaterThan(0);
    const text = logs.text();
    for (const secret of secrets) expect(text).not.toContain(secret);
  });
});
