import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../../src/shared/clock.js';
import { type FakeGraph, startFakeGraph } from '../helpers/fake-graph.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createWhatsAppInbox, postWebhook, type TestInbox, textPayload, waitForWebhooks } from '../helpers/whatsapp.js';

/**
 * What a script or n8n flow written for Chatwoot does, request for request: the token in the
 * `Api-Access-Token` header, Chatwoot's paths and bodies, and only the fields those clients read.
 */
let t: TestApp;
let graph: FakeGraph;
let inbox: TestInbox;
let token: string;

beforeAll(async () => {
  graph = await startFakeGraph();
  t = await createTestApp({ env: { WHATSAPP_GRAPH_URL: graph.url } });
  inbox = await createWhatsAppInbox(t);
  const admin = await t.signIn();
  token = (
    await t.app.services.auth.createPersonalToken({ userId: admin.user.id, name: 'n8n', ip: null, accountId: 1 })
  ).token;
  await t.app.jobs.startWorker();
  t.app.jobs.startScheduler();
});
afterAll(async () => {
  await t.close();
  await graph.close();
});

const chatwoot = (method: 'GET' | 'POST', path: string, body?: unknown) =>
  t.inject({
    method,
    url: `/api/v1/accounts/1${path}`,
    headers: { 'Api-Access-Token': token, ...(body ? { 'content-type': 'application/json; charset=utf-8' } : {}) },
    ...(body ? { payload: JSON.stringify(body) } : {}),
  });

describe('a Chatwoot API client, unchanged', () => {
  it('lists conversations, replies, assigns, labels and resolves', async () => {
    await postWebhook(
      t,
      textPayload(inbox.phoneNumberId, {
        from: '5511987650001',
        wamid: `wamid.compat-${Date.now()}`,
        text: 'Bom dia! Vocês fazem buffet?',
        name: 'Cliente n8n',
      }),
      inbox.appSecret,
    );
    await waitForWebhooks(t);

    const list = await chatwoot('GET', '/conversations?status=open&assignee_type=unassigned&page=1');
    expect(list.statusCode).toBe(200);
    const conversation = list
      .json()
      .data.payload.find(
        (item: { meta: { sender: { phone_number: string } } }) => item.meta.sender.phone_number === '+5511987650001',
      );
    expect(conversation).toMatchObject({ id: expect.any(Number), status: 'open', inbox_id: inbox.id });
    expect(list.json().data.meta).toHaveProperty('unassigned_count');

    const sent = await chatwoot('POST', `/conversations/${conversation.id}/messages`, {
      content: 'Fazemos sim! Para quantas pessoas?',
      message_type: 'outgoing',
      private: false,
    });
    expect(sent.statusCode).toBe(200);
    expect(sent.json()).toMatchObject({ content: 'Fazemos sim! Para quantas pessoas?', message_type: 1 });
    for (let i = 0; i < 200 && graph.sends().length === 0; i++) await sleep(25);
    expect(graph.sends().at(-1)?.body).toMatchObject({
      to: '5511987650001',
      text: { body: 'Fazemos sim! Para quantas pessoas?' },
    });

    const profile = await t.inject({ method: 'GET', url: '/api/v1/profile', headers: { 'Api-Access-Token': token } });
    const assigned = await chatwoot('POST', `/conversations/${conversation.id}/assignments`, {
      assignee_id: profile.json().id,
    });
    expect(assigned.statusCode).toBe(200);
    expect(assigned.json()).toMatchObject({ id: profile.json().id });

    const labels = await chatwoot('POST', `/conversations/${conversation.id}/labels`, { labels: ['buffet', 'lead'] });
    expect(labels.json()).toEqual({ payload: ['buffet', 'lead'] });

    const resolved = await chatwoot('POST', `/conversations/${conversation.id}/toggle_status`, { status: 'resolved' });
    expect(resolved.json()).toMatchObject({ payload: { success: true, current_status: 'resolved' } });

    const shown = await chatwoot('GET', `/conversations/${conversation.id}`);
    expect(shown.json()).toMatchObject({
      status: 'resolved',
      labels: ['buffet', 'lead'],
      meta: { assignee: { id: profile.json().id } },
    });
  });
});
