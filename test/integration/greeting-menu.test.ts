import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../src/db/schema.js';
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

let t: TestApp;
let graph: FakeGraph;
let inbox: TestInbox;
let admin: Awaited<ReturnType<TestApp['signIn']>>;
let sales: { id: number; name: string };

const GREETING = 'Olá! Bem-vindo à Santana Eventos.';
const QUOTE_REPLY = 'Ótimo! Conte a data e o número de convidados.';

beforeAll(async () => {
  graph = await startFakeGraph();
  t = await createTestApp({ env: { WHATSAPP_GRAPH_URL: graph.url } });
  inbox = await createWhatsAppInbox(t);
  admin = await t.signIn();
  await t.app.jobs.startWorker();
  t.app.jobs.startScheduler();
  const team = await t.inject({
    method: 'POST',
    url: '/api/v1/accounts/1/teams',
    headers: admin.tokenHeaders,
    payload: { name: `Comercial ${process.pid}` },
  });
  expect(team.statusCode, team.body).toBe(200);
  sales = team.json();
  const response = await patchInbox(inbox.id, {
    greeting_enabled: true,
    greeting_message: GREETING,
    greeting_menu: [
      { key: '1', title: 'Orçamento de evento', team_id: sales.id, labels: ['Orçamento'], reply: QUOTE_REPLY },
      { key: '2', title: 'Falar com atendente', reply: 'Um atendente já vai falar com você.' },
      { key: '3', title: 'Sou prestador', labels: ['prestador'] },
    ],
  });
  expect(response.statusCode, response.body).toBe(200);
});
afterAll(async () => {
  await t?.close();
  await graph?.close();
});

function patchInbox(id: number, payload: object) {
  return t.inject({ method: 'PATCH', url: `/api/v1/accounts/1/inboxes/${id}`, headers: admin.tokenHeaders, payload });
}

/** Waits until the reactions to incoming messages and the sends they queued have run. */
async function settle(timeoutMs = 10_000) {
  await settleJobs(t.db, { names: ['business_events.handle', 'whatsapp.send_message'], timeoutMs, scheduled: 'any' });
}

let sequence = 0;
const newContact = () => `5521955${String(++sequence).padStart(6, '0')}`;

async function send(target: TestInbox, from: string, message: Record<string, unknown>) {
  const wamid = `wamid.menu-${from}-${++sequence}`;
  const payload =
    message.type === 'text'
      ? textPayload(target.phoneNumberId, { from, wamid, text: (message.text as { body: string }).body })
      : messagePayload(target.phoneNumberId, { from, message: { id: wamid, ...message } });
  expect((await postWebhook(t, payload, target.appSecret)).statusCode).toBe(200);
  await waitForWebhooks(t);
  await settle();
}

/** A contact's text, processed with everything it triggered; returns the conversation as stored. */
async function says(from: string, text: string, target: TestInbox = inbox) {
  await send(target, from, { type: 'text', text: { body: text } });
  return conversationOf(from);
}

const conversationOf = (from: string) =>
  t.db
    .selectFrom('conversations')
    .innerJoin('contact_inboxes', 'contact_inboxes.id', 'conversations.contact_inbox_id')
    .selectAll('conversations')
    .where('contact_inboxes.source_id', '=', from)
    .orderBy('conversations.id', 'desc')
    .executeTakeFirstOrThrow();

const outgoing = (conversationId: number): Promise<Message[]> =>
  t.db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('message_type', '=', 1)
    .orderBy('id')
    .execute();

const activities = async (conversationId: number) =>
  (
    await t.db
      .selectFrom('messages')
      .select('content')
      .where('conversation_id', '=', conversationId)
      .where('message_type', '=', 2)
      .orderBy('id')
      .execute()
  ).map((row) => row.content);

const menuState = (conversation: { additional_attributes: unknown }) =>
  (conversation.additional_attributes as { greeting_menu?: { status: string } }).greeting_menu;

describe('greeting menu settings', () => {
  it('returns the greeting and its menu with the inbox', async () => {
    const response = await t.inject({
      method: 'GET',
      url: `/api/v1/accounts/1/inboxes/${inbox.id}`,
      headers: admin.tokenHeaders,
    });
    expect(response.json()).toMatchObject({
      greeting_enabled: true,
      greeting_message: GREETING,
      greeting_menu: [
        { key: '1', title: 'Orçamento de evento', team_id: sales.id, labels: ['orçamento'], reply: QUOTE_REPLY },
        { key: '2', title: 'Falar com atendente', team_id: null, labels: [] },
        { key: '3', title: 'Sou prestador', labels: ['prestador'], reply: null },
      ],
    });
  });

  it('refuses repeated keys and teams of no one with 422', async () => {
    const repeated = await patchInbox(inbox.id, {
      greeting_menu: [
        { key: '1', title: 'A' },
        { key: '1', title: 'B' },
      ],
    });
    expect(repeated.statusCode).toBe(422);
    expect(repeated.json().details).toEqual([expect.objectContaining({ field: 'greeting_menu.1.key' })]);
    const unknownTeam = await patchInbox(inbox.id, { greeting_menu: [{ key: '1', title: 'A', team_id: 999_999 }] });
    expect(unknownTeam.statusCode).toBe(422);
    expect(unknownTeam.json().details).toEqual([expect.objectContaining({ field: 'greeting_menu.0.team_id' })]);
  });
});

describe('greeting a new conversation', () => {
  it('sends the greeting with the menu as a WhatsApp list, once, on the first message', async () => {
    const from = newContact();
    const conversation = await says(from, 'Oi, boa tarde');
    const [greeting, ...others] = await outgoing(conversation.id);
    expect(others).toHaveLength(0);
    expect(greeting).toMatchObject({
      content: GREETING,
      content_type: 'input_select',
      sender_type: 'system',
      content_attributes: expect.objectContaining({
        automation: 'greeting_menu',
        interactive: expect.objectContaining({
          type: 'list',
          body: GREETING,
          sections: [
            {
              rows: [
                { id: 'menu:1', title: 'Orçamento de evento' },
                { id: 'menu:2', title: 'Falar com atendente' },
                { id: 'menu:3', title: 'Sou prestador' },
              ],
            },
          ],
        }),
      }),
    });
    expect(menuState(conversation)).toMatchObject({ status: 'pending', attempts: 0, message_id: greeting?.id });
    const sent = graph.requests.find((request) => (request.body as { to?: string; type?: string } | null)?.to === from)
      ?.body as { type: string; interactive: { type: string } };
    expect(sent).toMatchObject({ type: 'interactive', interactive: { type: 'list' } });
  });

  it('does not greet a conversation that already existed', async () => {
    const other = await createWhatsAppInbox(t);
    const from = newContact();
    const before = await says(from, 'primeira mensagem', other);
    expect((await patchInbox(other.id, { greeting_enabled: true, greeting_message: 'Olá!' })).statusCode).toBe(200);
    const after = await says(from, 'segunda mensagem', other);
    expect(after.id).toBe(before.id);
    expect(await outgoing(after.id)).toHaveLength(0);

    const newcomer = await says(newContact(), 'oi', other);
    expect((await outgoing(newcomer.id)).map((message) => message.content)).toEqual(['Olá!']);
  });

  it('sends plain text with numbered options when the menu does not fit a list', async () => {
    const other = await createWhatsAppInbox(t);
    const response = await patchInbox(other.id, {
      greeting_enabled: true,
      greeting_message: 'Oi!',
      greeting_menu: [
        { key: '1', title: 'Orçamento de evento' },
        { key: '2', title: 'Quero trabalhar como prestador de serviço' },
      ],
    });
    expect(response.statusCode).toBe(200);
    const conversation = await says(newContact(), 'olá', other);
    const [menu] = await outgoing(conversation.id);
    expect(menu?.content).toBe('Oi!\n\n1 - Orçamento de evento\n2 - Quero trabalhar como prestador de serviço');
    expect(menu?.content_type).toBe('text');
  });
});

describe('answering the menu', () => {
  it('routes "1 - ..." to the option’s team and labels, sends its reply and marks the menu answered', async () => {
    const from = newContact();
    await says(from, 'Oi');
    const conversation = await says(from, ' 1 - orçamento ');
    expect(conversation.team_id).toBe(sales.id);
    expect(conversation.labels).toEqual(['orçamento']);
    expect(menuState(conversation)).toMatchObject({ status: 'answered', key: '1' });
    const replies = await outgoing(conversation.id);
    expect(replies.map((message) => message.content)).toEqual([GREETING, QUOTE_REPLY]);
    expect(await activities(conversation.id)).toEqual(
      expect.arrayContaining([
        'Menu de saudação: o contato escolheu 1 - Orçamento de evento',
        `Conversa atribuída ao time ${sales.name} por Menu de saudação`,
      ]),
    );

    // Answered: another "2" is just a message for the attendant.
    const later = await says(from, '2');
    expect(later.team_id).toBe(sales.id);
    expect(await outgoing(conversation.id)).toHaveLength(2);
  });

  it('routes the list row the contact tapped', async () => {
    const from = newContact();
    await says(from, 'Bom dia');
    await send(inbox, from, {
      type: 'interactive',
      interactive: { type: 'list_reply', list_reply: { id: 'menu:3', title: 'Sou prestador' } },
    });
    const conversation = await conversationOf(from);
    expect(conversation.labels).toEqual(['prestador']);
    expect(conversation.team_id).toBeNull();
    expect(menuState(conversation)).toMatchObject({ status: 'answered', key: '3' });
    // Option 3 has no reply: only the greeting went out.
    expect(await outgoing(conversation.id)).toHaveLength(1);
  });

  it('repeats the menu once for an unknown answer, then leaves the conversation to an attendant', async () => {
    const from = newContact();
    await says(from, 'Oi');
    let conversation = await says(from, 'quanto custa?');
    let replies = await outgoing(conversation.id);
    expect(replies).toHaveLength(2);
    expect(replies[1]).toMatchObject({
      content: 'Desculpe, não entendi. Escolha uma das opções:',
      content_attributes: expect.objectContaining({ interactive: expect.objectContaining({ type: 'list' }) }),
    });
    expect(menuState(conversation)).toMatchObject({ status: 'pending', attempts: 1, message_id: replies[1]?.id });

    conversation = await says(from, 'não sei');
    replies = await outgoing(conversation.id);
    expect(replies).toHaveLength(2);
    expect(menuState(conversation)).toMatchObject({ status: 'handed_off' });
    expect(await activities(conversation.id)).toContain(
      'Menu de saudação: resposta não reconhecida; a conversa fica com os atendentes.',
    );

    // Handed off: even a valid key no longer routes.
    conversation = await says(from, '1');
    expect(conversation.team_id).toBeNull();
    expect(await outgoing(conversation.id)).toHaveLength(2);
  });

  it('leaves the menu alone when the contact sends an opt-out keyword', async () => {
    const from = newContact();
    await says(from, 'Oi');
    const conversation = await says(from, 'SAIR');
    expect(menuState(conversation)).toMatchObject({ status: 'pending', attempts: 0 });
    const automated = (await outgoing(conversation.id)).filter(
      (message) => (message.content_attributes as { automation?: string }).automation !== undefined,
    );
    expect(automated.map((message) => message.content)).toEqual([GREETING]);
  });

  it('stops the menu once an attendant has replied', async () => {
    const from = newContact();
    const conversation = await says(from, 'Oi');
    const reply = await t.inject({
      method: 'POST',
      url: `/api/v1/accounts/1/conversations/${conversation.display_id}/messages`,
      headers: admin.tokenHeaders,
      payload: { content: 'Olá, aqui é a Ana. Como posso ajudar?' },
    });
    expect(reply.statusCode, reply.body).toBe(200);
    await settle();
    const after = await says(from, '1');
    expect(after.team_id).toBeNull();
    expect(menuState(after)).toMatchObject({ status: 'handed_off' });
    expect((await outgoing(after.id)).map((message) => message.content)).toEqual([
      GREETING,
      'Olá, aqui é a Ana. Como posso ajudar?',
    ]);
  });
});
