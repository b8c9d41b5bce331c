import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../../src/shared/clock.js';
import { type FakeGraph, startFakeGraph } from '../helpers/fake-graph.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createWhatsAppInbox, postWebhook, type TestInbox, textPayload, waitForWebhooks } from '../helpers/whatsapp.js';

let t: TestApp;
let graph: FakeGraph;
let inbox: TestInbox;
let admin: Awaited<ReturnType<TestApp['signIn']>>;

beforeAll(async () => {
  graph = await startFakeGraph();
  t = await createTestApp({ env: { WHATSAPP_GRAPH_URL: graph.url } });
  inbox = await createWhatsAppInbox(t);
  admin = await t.signIn();
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

let sequence = 0;
async function incoming(text: string, from?: string) {
  sequence++;
  const sender = from ?? `5531987${String(sequence).padStart(6, '0')}`;
  await postWebhook(
    t,
    textPayload(inbox.phoneNumberId, {
      from: sender,
      wamid: `wamid.cw-${sequence}-${Date.now()}`,
      text,
      name: `Cliente ${sequence}`,
    }),
    inbox.appSecret,
  );
  await waitForWebhooks(t);
  const row = await t.db
    .selectFrom('conversations')
    .innerJoin('contact_inboxes', 'contact_inboxes.id', 'conversations.contact_inbox_id')
    .select(['conversations.display_id', 'conversations.id'])
    .where('contact_inboxes.source_id', '=', sender)
    .executeTakeFirstOrThrow();
  return { displayId: row.display_id, id: row.id, from: sender };
}

const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
  t.inject({
    method,
    url: `/api/v1/accounts/1${url}`,
    headers: admin.tokenHeaders,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

describe('GET /api', () => {
  it('answers without a token, as Chatwoot does', async () => {
    const response = await t.inject({ method: 'GET', url: '/api' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      version: expect.any(String),
      queue_services: 'ok',
      data_services: 'ok',
      simulator: true,
    });
  });
});

describe('conversations', () => {
  it('lists conversations in Chatwoot’s wrapper, with counts, contact, last message and the 24-hour window', async () => {
    const conversation = await incoming('Quero um orçamento para sábado');
    const response = await api('GET', '/conversations?status=open');
    expect(response.statusCode).toBe(200);
    const { data } = response.json();
    expect(data.meta).toEqual({
      mine_count: expect.any(Number),
      unassigned_count: expect.any(Number),
      assigned_count: expect.any(Number),
      all_count: expect.any(Number),
    });
    const item = data.payload.find((entry: { id: number }) => entry.id === conversation.displayId);
    expect(item).toMatchObject({
      id: conversation.displayId,
      account_id: 1,
      inbox_id: inbox.id,
      status: 'open',
      can_reply: true,
      unread_count: 1,
      meta: {
        sender: { name: expect.stringMatching(/^Cliente/), phone_number: `+${conversation.from}` },
        assignee: null,
      },
      last_non_activity_message: { content: 'Quero um orçamento para sábado', message_type: 0 },
    });
    expect(new Date(item.window_closes_at).getTime()).toBeGreaterThan(Date.now());
  });

  it('finds a conversation by phone in either 9th-digit form and by message text', async () => {
    const conversation = await incoming('procuro DJ para casamento', '5541988776655');
    for (const q of ['554188776655', '41 98877-6655', 'casamento']) {
      const { data } = (await api('GET', `/conversations?q=${encodeURIComponent(q)}`)).json();
      expect(
        data.payload.map((entry: { id: number }) => entry.id),
        q,
      ).toContain(conversation.displayId);
    }
  });

  it('assigns, counts it as mine, and writes an activity line', async () => {
    const conversation = await incoming('alguém pode me atender?');
    const assigned = await api('POST', `/conversations/${conversation.displayId}/assignments`, {
      assignee_id: admin.user.id,
    });
    expect(assigned.statusCode).toBe(200);
    expect(assigned.json()).toMatchObject({ id: admin.user.id, name: 'Administrador' });
    const mine = (await api('GET', '/conversations?assignee_type=me')).json().data;
    expect(mine.payload.map((entry: { id: number }) => entry.id)).toContain(conversation.displayId);
    const activity = await t.db
      .selectFrom('messages')
      .select('content')
      .where('conversation_id', '=', conversation.id)
      .where('message_type', '=', 2)
      .execute();
    expect(activity.map((row) => row.content)).toContain('Administrador assumiu a conversa');
    const stranger = await api('POST', `/conversations/${conversation.displayId}/assignments`, {
      assignee_id: 999_999,
    });
    expect(stranger.statusCode).toBe(422);
  });

  it('toggles the status open ↔ resolved and sets a priority', async () => {
    const conversation = await incoming('obrigado!');
    const resolved = await api('POST', `/conversations/${conversation.displayId}/toggle_status`, {});
    expect(resolved.json()).toEqual({
      meta: {},
      payload: { success: true, current_status: 'resolved', conversation_id: conversation.displayId },
    });
    const reopened = await api('POST', `/conversations/${conversation.displayId}/toggle_status`, { status: 'open' });
    expect(reopened.json().payload.current_status).toBe('open');
    const snoozeWithoutTime = await api('POST', `/conversations/${conversation.displayId}/toggle_status`, {
      status: 'snoozed',
    });
    expect(snoozeWithoutTime.statusCode).toBe(422);
    expect(
      (await api('POST', `/conversations/${conversation.displayId}/toggle_priority`, { priority: 'urgent' }))
        .statusCode,
    ).toBe(200);
    expect((await api('GET', `/conversations/${conversation.displayId}`)).json()).toMatchObject({
      status: 'open',
      priority: 'urgent',
    });
  });

  it('answers 404 for another account’s conversation and for unknown ids', async () => {
    const conversation = await incoming('só minha');
    const other = await t.app.services.users.createAccount('Concorrente');
    await t.app.services.users.addMembership({ accountId: other.id, userId: admin.user.id, role: 'administrator' });
    t.app.services.memberships.forget(admin.user.id);
    const cross = await t.inject({
      method: 'GET',
      url: `/api/v1/accounts/${other.id}/conversations/${conversation.displayId}`,
      headers: admin.tokenHeaders,
    });
    expect(cross.statusCode).toBe(404);
    expect((await api('GET', '/conversations/999999')).statusCode).toBe(404);
  });
});

describe('messages', () => {
  it('lists messages oldest first with Chatwoot’s integer message_type and sends a reply', async () => {
    const conversation = await incoming('tem disponibilidade dia 12?');
    const sent = await api('POST', `/conversations/${conversation.displayId}/messages`, {
      content: 'Temos sim! Para quantas pessoas?',
    });
    expect(sent.statusCode).toBe(200);
    expect(sent.json()).toMatchObject({
      content: 'Temos sim! Para quantas pessoas?',
      message_type: 1,
      status: 'progress',
      private: false,
      sender_type: 'User',
    });
    for (let i = 0; i < 100 && graph.sends().length === 0; i++) await sleep(20);
    const list = await api('GET', `/conversations/${conversation.displayId}/messages`);
    const { meta, payload } = list.json();
    expect(meta).toMatchObject({ can_reply: true, contact: { phone_number: `+${conversation.from}` } });
    expect(
      payload.map((message: { message_type: number; content: string }) => [message.message_type, message.content]),
    ).toEqual([
      [0, 'tem disponibilidade dia 12?'],
      [1, 'Temos sim! Para quantas pessoas?'],
    ]);
  });

  it('pages with before and after', async () => {
    const conversation = await incoming('mensagem 0');
    for (let i = 1; i <= 25; i++) {
      await api('POST', `/conversations/${conversation.displayId}/messages`, { content: `nota ${i}`, private: true });
    }
    const latest = (await api('GET', `/conversations/${conversation.displayId}/messages`)).json().payload;
    expect(latest).toHaveLength(20);
    expect(latest.at(-1).content).toBe('nota 25');
    const older = (await api('GET', `/conversations/${conversation.displayId}/messages?before=${latest[0].id}`)).json()
      .payload;
    expect(older.map((message: { content: string }) => message.content)).toEqual([
      'mensagem 0',
      'nota 1',
      'nota 2',
      'nota 3',
      'nota 4',
      'nota 5',
    ]);
    const newer = (
      await api('GET', `/conversations/${conversation.displayId}/messages?after=${older.at(-1).id}`)
    ).json().payload;
    expect(newer[0].content).toBe('nota 6');
  });

  it('refuses free text with 422 window_closed after 24 hours, and sends a template with Chatwoot’s template_params', async () => {
    const conversation = await incoming('oi');
    await t.db
      .updateTable('conversations')
      .set({ last_incoming_at: sql`now() - interval '2 days'` })
      .where('id', '=', conversation.id)
      .execute();
    const refused = await api('POST', `/conversations/${conversation.displayId}/messages`, { content: 'oi de novo' });
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toEqual({
      error: 'window_closed',
      message: 'A janela de 24 horas está fechada: envie um modelo aprovado',
    });
    const before = graph.sends().length;
    const template = await api('POST', `/conversations/${conversation.displayId}/messages`, {
      content: 'Olá Maria, seu evento é amanhã às 19:00.',
      template_params: {
        name: 'lembrete_evento',
        category: 'UTILITY',
        language: 'pt_BR',
        processed_params: { body: { '1': 'Maria', '2': 'amanhã às 19:00' } },
      },
    });
    expect(template.statusCode).toBe(200);
    expect(template.json().message_type).toBe(3);
    for (let i = 0; i < 100 && graph.sends().length === before; i++) await sleep(20);
    expect(graph.sends().at(-1)?.body).toMatchObject({
      type: 'template',
      template: {
        name: 'lembrete_evento',
        language: { code: 'pt_BR' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Maria' },
              { type: 'text', text: 'amanhã às 19:00' },
            ],
          },
        ],
      },
    });
  });

  it('turns Chatwoot’s input_select into WhatsApp reply buttons', async () => {
    const conversation = await incoming('quero confirmar');
    const before = graph.sends().length;
    const response = await api('POST', `/conversations/${conversation.displayId}/messages`, {
      content: 'Confirma a reserva?',
      content_type: 'input_select',
      content_attributes: {
        items: [
          { title: 'Sim', value: 'sim' },
          { title: 'Não', value: 'nao' },
        ],
      },
    });
    expect(response.statusCode).toBe(200);
    for (let i = 0; i < 100 && graph.sends().length === before; i++) await sleep(20);
    expect(graph.sends().at(-1)?.body).toMatchObject({
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: 'Confirma a reserva?' },
        action: { buttons: [{ reply: { id: 'sim', title: 'Sim' } }, { reply: { id: 'nao', title: 'Não' } }] },
      },
    });
  });

  it('validates the message body and names bad fields', async () => {
    const conversation = await incoming('teste');
    const response = await api('POST', `/conversations/${conversation.displayId}/messages`, {
      content: 'x',
      unknown_field: true,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().details).toContainEqual({ field: 'unknown_field', message: 'campo desconhecido' });
    const incomingType = await api('POST', `/conversations/${conversation.displayId}/messages`, {
      content: 'x',
      message_type: 'incoming',
    });
    expect(incomingType.statusCode).toBe(422);
    const nul = await api('POST', `/conversations/${conversation.displayId}/messages`, {
      content: 'a\u0000b',
      private: true,
    });
    expect(nul.statusCode).toBe(400);
    expect(nul.json().message).toContain('caracteres inválidos');
  });
});
