import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/accounts/password.js';
import { readUntil } from '../helpers/eventually.js';
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
  await t.app.jobs.startWorker();
  t.app.jobs.startScheduler();
});
afterAll(async () => {
  await t.close();
  await graph.close();
});

let sequence = 0;
const unique = () => `${process.pid}${++sequence}${Math.floor(Math.random() * 1e4)}`;

async function incoming(text: string, options: { to?: TestInbox; from?: string; name?: string } = {}) {
  sequence++;
  const target = options.to ?? inbox;
  const from = options.from ?? `5531987${String(sequence).padStart(6, '0')}`;
  const response = await postWebhook(
    t,
    textPayload(target.phoneNumberId, {
      from,
      wamid: `wamid.wf-${sequence}-${Date.now()}`,
      text,
      name: options.name ?? `Cliente ${sequence}`,
    }),
    target.appSecret,
  );
  expect(response.statusCode).toBe(200);
  await waitForWebhooks(t);
  const row = await t.db
    .selectFrom('conversations')
    .innerJoin('contact_inboxes', 'contact_inboxes.id', 'conversations.contact_inbox_id')
    .select(['conversations.display_id', 'conversations.id', 'conversations.contact_id', 'conversations.assignee_id'])
    .where('contact_inboxes.source_id', '=', from)
    .where('conversations.inbox_id', '=', target.id)
    .orderBy('conversations.id', 'desc')
    .executeTakeFirstOrThrow();
  return { displayId: row.display_id, id: row.id, contactId: row.contact_id, assigneeId: row.assignee_id, from };
}

type Caller = { tokenHeaders: Record<string, string> };
const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, as: Caller = admin) =>
  t.inject({
    method,
    url: `/api/v1/accounts/1${url}`,
    headers: as.tokenHeaders,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

async function createAgent(name: string, availability: 'available' | 'offline', inboxes: TestInbox[]) {
  const email = `${name.toLowerCase()}-${unique()}@example.com`;
  const user = await t.app.services.users.createUser({
    name,
    email,
    passwordHash: await hashPassword('senha-do-agente-1'),
  });
  await t.app.services.users.addMembership({ accountId: 1, userId: user.id, role: 'agent', availability });
  for (const member of inboxes) {
    await t.db.insertInto('inbox_members').values({ inbox_id: member.id, user_id: user.id, account_id: 1 }).execute();
  }
  return { id: user.id, name, ...(await t.signIn(email, 'senha-do-agente-1')) };
}

async function conversationRow(id: number) {
  return t.db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

describe('labels', () => {
  it('replaces the set (lowercase, no duplicates), shows it on the conversation and filters the list by it', async () => {
    const tagged = await incoming('Quero orçar um casamento');
    const other = await incoming('Quero orçar um aniversário');
    const set = await api('POST', `/conversations/${tagged.displayId}/labels`, { labels: ['VIP', 'casamento', 'vip'] });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toEqual({ payload: ['vip', 'casamento'] });

    const replaced = await api('POST', `/conversations/${tagged.displayId}/labels`, {
      labels: ['casamento', 'urgente'],
    });
    expect(replaced.json().payload).toEqual(['casamento', 'urgente']);
    expect((await api('GET', `/conversations/${tagged.displayId}/labels`)).json()).toEqual({
      payload: ['casamento', 'urgente'],
    });
    expect((await api('GET', `/conversations/${tagged.displayId}`)).json().labels).toEqual(['casamento', 'urgente']);

    const listed = await api('GET', '/conversations?status=all&labels[]=urgente');
    const ids = listed.json().data.payload.map((c: { id: number }) => c.id);
    expect(ids).toContain(tagged.displayId);
    expect(ids).not.toContain(other.displayId);

    const activity = await t.db
      .selectFrom('messages')
      .select('content')
      .where('conversation_id', '=', tagged.id)
      .where('message_type', '=', 2)
      .execute();
    expect(activity.map((row) => row.content)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('adicionou os marcadores urgente'),
        expect.stringContaining('removeu os marcadores vip'),
      ]),
    );
  });

  it('refuses a body without a labels array (400)', async () => {
    const conversation = await incoming('Oi');
    const response = await api('POST', `/conversations/${conversation.displayId}/labels`, { labels: 'vip' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toBe('validation_failed');
  });
});

describe('teams, priority and attributes', () => {
  it('assigns a team (and shows it in meta), rejects another account’s team, and clears it', async () => {
    const conversation = await incoming('Preciso de garçons');
    const team = await t.db
      .insertInto('teams')
      .values({ account_id: 1, name: `Eventos ${unique()}` })
      .returning(['id', 'name'])
      .executeTakeFirstOrThrow();
    const assigned = await api('POST', `/conversations/${conversation.displayId}/assignments`, { team_id: team.id });
    expect(assigned.statusCode).toBe(200);
    expect(assigned.json()).toEqual({ id: team.id, name: team.name });
    const view = (await api('GET', `/conversations/${conversation.displayId}`)).json();
    expect(view.team_id).toBe(team.id);
    expect(view.meta.team).toEqual({ id: team.id, name: team.name });
    expect((await api('GET', `/conversations?status=all&team_id=${team.id}`)).json().data.payload).toHaveLength(1);

    const account = await t.app.services.users.createAccount(`Outra ${unique()}`);
    const foreign = await t.db
      .insertInto('teams')
      .values({ account_id: account.id, name: 'Alheio' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const refused = await api('POST', `/conversations/${conversation.displayId}/assignments`, { team_id: foreign.id });
    expect(refused.statusCode).toBe(422);

    await api('POST', `/conversations/${conversation.displayId}/assignments`, { team_id: null });
    expect((await conversationRow(conversation.id)).team_id).toBeNull();
  });

  it('updates priority with PATCH and replaces custom attributes', async () => {
    const conversation = await incoming('Orçamento urgente');
    const patched = await api('PATCH', `/conversations/${conversation.displayId}`, {
      priority: 'urgent',
      additional_attributes: { origem: 'instagram' },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().priority).toBe('urgent');
    expect(patched.json().additional_attributes).toMatchObject({ origem: 'instagram' });

    await api('POST', `/conversations/${conversation.displayId}/custom_attributes`, {
      custom_attributes: { pedido: '123', convidados: 80 },
    });
    const replaced = await api('POST', `/conversations/${conversation.displayId}/custom_attributes`, {
      custom_attributes: { convidados: 120 },
    });
    expect(replaced.json()).toEqual({ custom_attributes: { convidados: 120 } });

    const none = await api('PATCH', `/conversations/${conversation.displayId}`, { priority: 'none' });
    expect(none.json().priority).toBeNull();
  });

  it('sorts by priority when asked', async () => {
    const low = await incoming('prioridade baixa');
    const high = await incoming('prioridade alta');
    await api('POST', `/conversations/${low.displayId}/toggle_priority`, { priority: 'low' });
    await api('POST', `/conversations/${high.displayId}/toggle_priority`, { priority: 'high' });
    const ids = (await api('GET', '/conversations?status=open&sort_by=sort_on_priority'))
      .json()
      .data.payload.map((c: { id: number }) => c.id);
    expect(ids.indexOf(high.displayId)).toBeLessThan(ids.indexOf(low.displayId));
    const bad = await api('GET', '/conversations?sort_by=bogus');
    expect(bad.statusCode).toBe(400);
  });
});

describe('unread and filter', () => {
  it('marks a read conversation unread again', async () => {
    const conversation = await incoming('Olá, tem alguém?');
    await api('POST', `/conversations/${conversation.displayId}/update_last_seen`);
    expect((await api('GET', `/conversations/${conversation.displayId}`)).json().unread_count).toBe(0);
    const unread = await api('POST', `/conversations/${conversation.displayId}/unread`);
    expect(unread.statusCode).toBe(200);
    expect(unread.json().unread_count).toBe(1);
  });

  it('filters with Chatwoot’s payload (AND binds tighter than OR) and refuses bad lines with 422', async () => {
    const urgent = await incoming('filtro urgente');
    const pending = await incoming('filtro pendente');
    const neither = await incoming('filtro nenhum');
    await api('POST', `/conversations/${urgent.displayId}/toggle_priority`, { priority: 'urgent' });
    await api('POST', `/conversations/${pending.displayId}/toggle_status`, { status: 'pending' });

    const response = await api('POST', '/conversations/filter', {
      payload: [
        { attribute_key: 'priority', filter_operator: 'equal_to', values: ['urgent'], query_operator: 'AND' },
        { attribute_key: 'inbox_id', filter_operator: 'equal_to', values: [inbox.id], query_operator: 'OR' },
        { attribute_key: 'status', filter_operator: 'equal_to', values: ['pending'], query_operator: null },
      ],
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.meta).toMatchObject({ all_count: expect.any(Number) });
    const ids = body.payload.map((c: { id: number }) => c.id);
    expect(ids).toEqual(expect.arrayContaining([urgent.displayId, pending.displayId]));
    expect(ids).not.toContain(neither.displayId);

    const custom = await api('POST', `/conversations/${neither.displayId}/custom_attributes`, {
      custom_attributes: { cidade: 'Campinas' },
    });
    expect(custom.statusCode).toBe(200);
    const byAttribute = await api('POST', '/conversations/filter', {
      payload: [{ attribute_key: 'cidade', filter_operator: 'contains', values: ['campi'], query_operator: null }],
    });
    expect(byAttribute.json().payload.map((c: { id: number }) => c.id)).toEqual([neither.displayId]);

    const badOperator = await api('POST', '/conversations/filter', {
      payload: [{ attribute_key: 'created_at', filter_operator: 'contains', values: ['x'] }],
    });
    expect(badOperator.statusCode).toBe(422);
    expect(badOperator.json().message).toContain('created_at');
    const badDate = await api('POST', '/conversations/filter', {
      payload: [{ attribute_key: 'created_at', filter_operator: 'is_greater_than', values: ['ontem'] }],
    });
    expect(badDate.statusCode).toBe(422);
    const missingJoin = await api('POST', '/conversations/filter', {
      payload: [
        { attribute_key: 'status', filter_operator: 'equal_to', values: ['open'] },
        { attribute_key: 'status', filter_operator: 'equal_to', values: ['pending'] },
      ],
    });
    expect(missingJoin.statusCode).toBe(422);
  });
});

describe('snooze', () => {
  it('reopens a snoozed conversation when the snooze ends', async () => {
    const conversation = await incoming('Me chama depois');
    const until = new Date(Date.now() + 1200);
    const snoozed = await api('POST', `/conversations/${conversation.displayId}/toggle_status`, {
      status: 'snoozed',
      snoozed_until: until.toISOString(),
    });
    expect(snoozed.statusCode).toBe(200);
    expect(snoozed.json().payload.current_status).toBe('snoozed');
    const woken = await readUntil(
      () => conversationRow(conversation.id),
      (row) => row.status === 'open',
    );
    expect(woken.snoozed_until).toBeNull();
    expect(Date.now()).toBeGreaterThanOrEqual(until.getTime());
    const lines = await t.db
      .selectFrom('messages')
      .select('content')
      .where('conversation_id', '=', conversation.id)
      .where('message_type', '=', 2)
      .execute();
    expect(lines.map((line) => line.content)).toContain('Conversa reaberta: o adiamento terminou');
  });

  it('does not let a stale wake-up reopen a conversation snoozed again for later', async () => {
    const conversation = await incoming('Adia duas vezes');
    await api('POST', `/conversations/${conversation.displayId}/toggle_status`, {
      status: 'snoozed',
      snoozed_until: new Date(Date.now() + 800).toISOString(),
    });
    const later = new Date(Date.now() + 60 * 60 * 1000);
    await api('POST', `/conversations/${conversation.displayId}/toggle_status`, {
      status: 'snoozed',
      snoozed_until: later.toISOString(),
    });
    // The first wake-up runs (and is skipped) after ~0.8 s.
    await readUntil(
      () =>
        t.db
          .selectFrom('jobs')
          .select('status')
          .where('name', '=', 'conversation.wake_snoozed')
          .where(sql`payload->>'conversationId'`, '=', String(conversation.id))
          .execute(),
      (jobs) => jobs.some((job) => job.status === 'done'),
    );
    const row = await conversationRow(conversation.id);
    expect(row.status).toBe('snoozed');
    expect(row.snoozed_until?.getTime()).toBe(later.getTime());
  });

  it('refuses a snooze in the past (422) and accepts Unix seconds', async () => {
    const conversation = await incoming('Adiamento inválido');
    const past = await api('POST', `/conversations/${conversation.displayId}/toggle_status`, {
      status: 'snoozed',
      snoozed_until: Math.floor(Date.now() / 1000) - 60,
    });
    expect(past.statusCode).toBe(422);
    const future = await api('POST', `/conversations/${conversation.displayId}/toggle_status`, {
      status: 'snoozed',
      snoozed_until: Math.floor(Date.now() / 1000) + 3600,
    });
    expect(future.statusCode).toBe(200);
  });
});

describe('creating conversations', () => {
  it('starts a conversation with a template for a contact who never wrote, and refuses free text (window closed)', async () => {
    const phone = `5521998${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
    const contact = await t.db
      .insertInto('contacts')
      .values({
        account_id: 1,
        name: 'Joana Prestadora',
        name_source: 'agent',
        phone_number: `+${phone}`,
        phone_key: `${phone.slice(0, 4)}${phone.slice(5)}`,
        custom_attributes: '{}',
        additional_attributes: '{}',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await t.db
      .insertInto('message_templates')
      .values({
        account_id: 1,
        inbox_id: inbox.id,
        name: 'boas_vindas',
        language: 'pt_BR',
        status: 'APPROVED',
        category: 'UTILITY',
        components: JSON.stringify([{ type: 'BODY', text: 'Olá {{1}}, bem-vinda!' }]),
      })
      .execute();

    const refused = await api('POST', '/conversations', {
      inbox_id: inbox.id,
      contact_id: contact.id,
      message: { content: 'Oi, tudo bem?' },
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error).toBe('window_closed');
    const none = await t.db.selectFrom('conversations').select('id').where('contact_id', '=', contact.id).execute();
    expect(none).toHaveLength(0);

    const sendsBefore = graph.sends().length;
    const created = await api('POST', '/conversations', {
      inbox_id: inbox.id,
      contact_id: contact.id,
      custom_attributes: { origem: 'n8n' },
      message: {
        content: 'Olá Joana, bem-vinda!',
        template_params: {
          name: 'boas_vindas',
          category: 'UTILITY',
          language: 'pt_BR',
          processed_params: { body: { '1': 'Joana' } },
        },
      },
    });
    expect(created.statusCode).toBe(200);
    const conversation = created.json();
    expect(conversation).toMatchObject({
      inbox_id: inbox.id,
      status: 'open',
      can_reply: false,
      custom_attributes: { origem: 'n8n' },
      meta: { sender: { id: contact.id } },
    });
    await readUntil(
      async () => graph.sends().length,
      (count) => count > sendsBefore,
    );
    const send = graph.sends().at(-1)?.body as { to: string; type: string; template: { name: string } };
    expect(send).toMatchObject({ to: phone, type: 'template', template: { name: 'boas_vindas' } });

    // The contact has an active conversation in this inbox now: asking again returns it.
    const again = await api('POST', '/conversations', { inbox_id: inbox.id, contact_id: contact.id });
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(conversation.id);
  });

  it('accepts the contact inbox’s source_id and rejects unknown ones, missing contacts and other inboxes', async () => {
    const existing = await incoming('Oi, sou cliente antigo');
    await api('POST', `/conversations/${existing.displayId}/toggle_status`, { status: 'resolved' });
    const bySource = await api('POST', '/conversations', {
      inbox_id: inbox.id,
      source_id: existing.from,
      status: 'pending',
    });
    expect(bySource.statusCode).toBe(200);
    expect(bySource.json().status).toBe('pending');
    expect(bySource.json().id).not.toBe(existing.displayId);

    expect((await api('POST', '/conversations', { inbox_id: inbox.id, source_id: '000' })).statusCode).toBe(422);
    expect((await api('POST', '/conversations', { inbox_id: inbox.id })).statusCode).toBe(422);
    expect(
      (await api('POST', '/conversations', { inbox_id: 999_999, contact_id: existing.contactId })).statusCode,
    ).toBe(404);
    expect((await api('POST', '/conversations', { inbox_id: 'x' })).statusCode).toBe(400);
  });
});

describe('round-robin assignment and inbox visibility', () => {
  it('gives new conversations to available inbox members in turn, skips offline ones, and agents see only their inboxes', async () => {
    const roundRobin = await createWhatsAppInbox(t);
    const ana = await createAgent('Ana', 'available', [roundRobin]);
    const bruno = await createAgent('Bruno', 'available', [roundRobin]);
    const carla = await createAgent('Carla', 'offline', [roundRobin]);
    const outsider = await createAgent('Diego', 'available', [inbox]);

    const assignees: Array<number | null> = [];
    for (let i = 0; i < 4; i++) assignees.push((await incoming(`rr ${i}`, { to: roundRobin })).assigneeId);
    expect(new Set(assignees)).toEqual(new Set([ana.id, bruno.id]));
    expect(assignees.filter((id) => id === ana.id)).toHaveLength(2);
    expect(assignees[0]).not.toBe(assignees[1]);
    expect(assignees).not.toContain(carla.id);

    const first = await incoming('rr visível', { to: roundRobin });
    const activity = await t.db
      .selectFrom('messages')
      .select('content')
      .where('conversation_id', '=', first.id)
      .where('message_type', '=', 2)
      .execute();
    expect(activity.map((row) => row.content)[0]).toMatch(/^Conversa atribuída automaticamente a (Ana|Bruno)$/);

    // Diego is not a member of this inbox: its conversations do not exist for him.
    const hisList = (await api('GET', '/conversations?status=all', undefined, outsider)).json().data;
    expect(hisList.payload.every((c: { inbox_id: number }) => c.inbox_id === inbox.id)).toBe(true);
    expect((await api('GET', `/conversations/${first.displayId}`, undefined, outsider)).statusCode).toBe(404);
    expect((await api('GET', `/conversations/${first.displayId}/messages`, undefined, outsider)).statusCode).toBe(404);
    expect(
      (await api('POST', `/conversations/${first.displayId}/toggle_status`, { status: 'resolved' }, outsider))
        .statusCode,
    ).toBe(404);
    const filtered = await api(
      'POST',
      '/conversations/filter',
      { payload: [{ attribute_key: 'inbox_id', filter_operator: 'equal_to', values: [roundRobin.id] }] },
      outsider,
    );
    expect(filtered.json().payload).toEqual([]);

    // Carla is a member: she sees it, even while offline.
    expect((await api('GET', `/conversations/${first.displayId}`, undefined, carla)).statusCode).toBe(200);
    const carlaList = (
      await api('GET', `/conversations?status=all&inbox_id=${roundRobin.id}`, undefined, carla)
    ).json();
    expect(carlaList.data.meta.all_count).toBe(5);
  });

  it('puts an agent in the rotation once they go online through Chatwoot’s availability route', async () => {
    const solo = await createWhatsAppInbox(t);
    const fabio = await createAgent('Fabio', 'offline', [solo]);
    expect((await incoming('ninguém online', { to: solo })).assigneeId).toBeNull();
    const online = await t.inject({
      method: 'POST',
      url: '/api/v1/profile/availability',
      headers: fabio.tokenHeaders,
      payload: { profile: { availability: 'online', account_id: 1 } },
    });
    expect(online.statusCode).toBe(200);
    expect(online.json().accounts[0]).toMatchObject({ id: 1, availability_status: 'available' });
    expect((await incoming('agora tem alguém', { to: solo })).assigneeId).toBe(fabio.id);
    const foreign = await t.inject({
      method: 'POST',
      url: '/api/v1/profile/availability',
      headers: fabio.tokenHeaders,
      payload: { profile: { availability: 'busy', account_id: 999 } },
    });
    expect(foreign.statusCode).toBe(404);
  });

  it('leaves conversations unassigned when the inbox has auto-assignment off', async () => {
    const manual = await createWhatsAppInbox(t);
    await t.db.updateTable('inboxes').set({ enable_auto_assignment: false }).where('id', '=', manual.id).execute();
    await createAgent('Eva', 'available', [manual]);
    expect((await incoming('sem rodízio', { to: manual })).assigneeId).toBeNull();
  });
});

describe('message variables', () => {
  it('fills {{contact.first_name}} and {{agent.name}} in a reply before it is sent', async () => {
    const conversation = await incoming('Oi!', { name: 'Mariana Lopes' });
    const adminUser = await t.db
      .selectFrom('users')
      .select(['name', 'display_name'])
      .where('id', '=', admin.user.id)
      .executeTakeFirstOrThrow();
    const sent = await api('POST', `/conversations/${conversation.displayId}/messages`, {
      content: 'Olá {{contact.first_name}}, aqui é {{agent.name}}. {{desconhecida.x}}',
    });
    expect(sent.statusCode).toBe(200);
    const expected = `Olá Mariana, aqui é ${adminUser.display_name ?? adminUser.name}. {{desconhecida.x}}`;
    expect(sent.json().content).toBe(expected);
    await readUntil(
      async () => graph.sends().find((s) => (s.body as { text?: { body: string } }).text?.body === expected),
      (found) => found !== undefined,
    );
    const note = await api('POST', `/conversations/${conversation.displayId}/messages`, {
      content: 'Nota: {{contact.name}}',
      private: true,
    });
    expect(note.json().content).toBe('Nota: {{contact.name}}');
  });
});
