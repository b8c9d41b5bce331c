import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/accounts/password.js';
import type { AccountEvent } from '../../src/realtime/event-bus.js';
import { type FakeGraph, startFakeGraph } from '../helpers/fake-graph.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createWhatsAppInbox, postWebhook, type TestInbox, textPayload, waitForWebhooks } from '../helpers/whatsapp.js';

let t: TestApp;
let graph: FakeGraph;
let inbox: TestInbox;
type Caller = { tokenHeaders: Record<string, string>; user: { id: number } };
let admin: Caller;
let agent: Caller;
let otherAccount: { id: number; contactId: number; stageId: number; dealId: number };

let sequence = 0;
const unique = () => `${process.pid}${++sequence}${Math.floor(Math.random() * 1e4)}`;

const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, as: Caller = admin) =>
  t.inject({
    method,
    url: `/api/v1/accounts/1${url}`,
    headers: as.tokenHeaders,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

async function createUser(accountId: number, role: 'administrator' | 'agent', name = 'Agente') {
  const email = `${name.toLowerCase()}-${unique()}@example.com`;
  const user = await t.app.services.users.createUser({ name, email, passwordHash: await hashPassword('senha-123456') });
  await t.app.services.users.addMembership({ accountId, userId: user.id, role, availability: 'available' });
  return t.signIn(email, 'senha-123456');
}

async function createContact(name = 'Maria') {
  const phone = `+55119${String(10000000 + Math.floor(Math.random() * 89999999)).slice(0, 8)}`;
  const response = await api('POST', '/contacts', { name, phone_number: phone });
  expect(response.statusCode).toBe(200);
  return response.json().payload.contact.id as number;
}

async function stages(as: Caller = admin, accountId = 1) {
  const response = await t.inject({
    method: 'GET',
    url: `/api/v1/accounts/${accountId}/pipeline_stages`,
    headers: as.tokenHeaders,
  });
  expect(response.statusCode).toBe(200);
  return response.json().payload as Array<{ id: number; name: string; is_won: boolean; is_lost: boolean }>;
}
const stageNamed = async (name: string) => (await stages()).find((stage) => stage.name === name)?.id as number;

async function createDeal(body: Record<string, unknown>) {
  const response = await api('POST', '/deals', body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

const dealCount = async () =>
  Number(
    (
      await t.db
        .selectFrom('deals')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

async function incoming(text: string) {
  const from = `5531988${String(++sequence).padStart(6, '0')}`;
  const response = await postWebhook(
    t,
    textPayload(inbox.phoneNumberId, { from, wamid: `wamid.crm-${sequence}-${Date.now()}`, text, name: 'Joana' }),
    inbox.appSecret,
  );
  expect(response.statusCode).toBe(200);
  await waitForWebhooks(t);
  return t.db
    .selectFrom('conversations')
    .innerJoin('contact_inboxes', 'contact_inboxes.id', 'conversations.contact_inbox_id')
    .select(['conversations.display_id', 'conversations.contact_id'])
    .where('contact_inboxes.source_id', '=', from)
    .executeTakeFirstOrThrow();
}

beforeAll(async () => {
  graph = await startFakeGraph();
  t = await createTestApp({ env: { WHATSAPP_GRAPH_URL: graph.url } });
  inbox = await createWhatsAppInbox(t);
  admin = await t.signIn();
  agent = await createUser(1, 'agent');
  await t.app.jobs.startWorker();

  // Another account with a contact, a stage and a deal: none of its ids may be reached from account 1.
  const account = await t.app.services.users.createAccount('Outra empresa');
  const contact = await t.db
    .insertInto('contacts')
    .values({ account_id: account.id, name: 'De outra conta', custom_attributes: '{}', additional_attributes: '{}' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const stage = await t.db
    .insertInto('pipeline_stages')
    .values({ account_id: account.id, name: 'Deles', position: 1 })
    .returning('id')
    .executeTakeFirstOrThrow();
  const deal = await t.db
    .insertInto('deals')
    .values({ account_id: account.id, title: 'Deles', contact_id: contact.id, stage_id: stage.id })
    .returning('id')
    .executeTakeFirstOrThrow();
  otherAccount = { id: account.id, contactId: contact.id, stageId: stage.id, dealId: deal.id };
});
afterAll(async () => {
  await t.close();
  await graph.close();
});

describe('pipeline stages', () => {
  it('gives a new account the default funnel, in order, with Ganho won and Perdido lost', async () => {
    // Seeded with the first account at start-up, before anyone asked for it.
    const seeded = await t.db.selectFrom('pipeline_stages').select('name').where('account_id', '=', 1).execute();
    expect(seeded).toHaveLength(6);
    const list = await stages();
    expect(list.map((stage) => stage.name)).toEqual([
      'Novo',
      'Qualificado',
      'Proposta',
      'Negociação',
      'Ganho',
      'Perdido',
    ]);
    expect(list.find((stage) => stage.is_won)?.name).toBe('Ganho');
    expect(list.find((stage) => stage.is_lost)?.name).toBe('Perdido');
  });

  it('seeds an account created without stages once, even when its first requests race', async () => {
    for (let round = 0; round < 3; round++) {
      const account = await t.app.services.users.createAccount(`Empresa ${unique()}`);
      const owner = await createUser(account.id, 'administrator', 'Dono');
      const lists = await Promise.all([
        stages(owner, account.id),
        stages(owner, account.id),
        stages(owner, account.id),
      ]);
      for (const list of lists) expect(list).toHaveLength(6);
      const rows = await t.db.selectFrom('pipeline_stages').select('id').where('account_id', '=', account.id).execute();
      expect(rows).toHaveLength(6);
    }
  });

  it('lets administrators add, rename and delete stages; agents only read them', async () => {
    const created = await api('POST', '/pipeline_stages', { name: 'Visita técnica', probability: 40 });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ name: 'Visita técnica', probability: 40, position: 7, is_won: false });
    const id = created.json().id;

    expect((await api('POST', '/pipeline_stages', { name: 'Do agente' }, agent)).statusCode).toBe(403);
    const renamed = await api('PATCH', `/pipeline_stages/${id}`, { name: 'Visita' });
    expect(renamed.json().name).toBe('Visita');
    expect((await api('PATCH', `/pipeline_stages/${id}`, { is_won: true, is_lost: true })).statusCode).toBe(422);

    const tooLikely = await api('PATCH', `/pipeline_stages/${id}`, { probability: 150 });
    expect(tooLikely.statusCode).toBe(400);
    expect(tooLikely.json().message).toContain('probability');

    expect((await api('DELETE', `/pipeline_stages/${id}`)).statusCode).toBe(204);
    expect((await stages()).map((stage) => stage.id)).not.toContain(id);
    expect((await api('PATCH', `/pipeline_stages/${otherAccount.stageId}`, { name: 'x' })).statusCode).toBe(404);
  });

  it('refuses to delete a stage that has deals (409) and keeps it', async () => {
    const stage = (await api('POST', '/pipeline_stages', { name: 'Com negócio' })).json();
    await createDeal({ title: 'Fica', contact_id: await createContact(), stage_id: stage.id });
    const response = await api('DELETE', `/pipeline_stages/${stage.id}`);
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ error: 'conflict', details: { deals_count: 1 } });
    expect((await stages()).map((row) => row.id)).toContain(stage.id);
  });
});

describe('deals', () => {
  it('creates a deal in the first stage, owned by its creator, and echoes every field', async () => {
    const contactId = await createContact('Carla');
    const deal = await createDeal({
      title: 'Casamento da Carla',
      contact_id: contactId,
      value_cents: 1_250_000,
      expected_close_on: '2025-12-20',
    });
    expect(deal).toMatchObject({
      title: 'Casamento da Carla',
      contact_id: contactId,
      contact: { id: contactId, name: 'Carla' },
      stage_id: await stageNamed('Novo'),
      value_cents: 1_250_000,
      expected_close_on: '2025-12-20',
      owner_id: admin.user.id,
      status: 'open',
      closed_at: null,
    });
    expect(deal.created_at).toMatch(/Z$/);
    expect((await api('GET', `/deals/${deal.id}`)).json()).toEqual(deal);
  });

  it('moves a deal across stages, recording each move; won and lost stages set the status', async () => {
    const deal = await createDeal({ title: 'Formatura', contact_id: await createContact() });
    const proposta = await stageNamed('Proposta');
    const moved = await api('PATCH', `/deals/${deal.id}`, { stage_id: proposta });
    expect(moved.json()).toMatchObject({ stage_id: proposta, status: 'open' });

    const won = await api('PATCH', `/deals/${deal.id}`, { stage_id: await stageNamed('Ganho') });
    expect(won.json().status).toBe('won');
    expect(won.json().closed_at).not.toBeNull();

    // Into Perdido without a reason: refused, nothing changes.
    const noReason = await api('PATCH', `/deals/${deal.id}`, { stage_id: await stageNamed('Perdido') });
    expect(noReason.statusCode).toBe(422);
    expect(noReason.json().details[0].field).toBe('lost_reason');
    expect((await api('GET', `/deals/${deal.id}`)).json().status).toBe('won');

    const lost = await api('PATCH', `/deals/${deal.id}`, {
      stage_id: await stageNamed('Perdido'),
      lost_reason: 'Fechou com outro buffet',
    });
    expect(lost.json()).toMatchObject({ status: 'lost', lost_reason: 'Fechou com outro buffet' });

    const reopened = await api('PATCH', `/deals/${deal.id}`, { stage_id: proposta });
    expect(reopened.json()).toMatchObject({ status: 'open', closed_at: null, lost_reason: null });

    const changes = (await api('GET', `/deals/${deal.id}/stage_changes`)).json().payload;
    expect(changes.map((change: { to_stage_id: number }) => change.to_stage_id)).toEqual([
      await stageNamed('Novo'),
      proposta,
      await stageNamed('Ganho'),
      await stageNamed('Perdido'),
      proposta,
    ]);
    expect(changes[0].from_stage_id).toBeNull();
  });

  it('marks a deal won or lost through its own endpoints; lost needs a reason (422)', async () => {
    const deal = await createDeal({ title: 'Aniversário', contact_id: await createContact() });
    const won = await api('POST', `/deals/${deal.id}/won`);
    expect(won.json()).toMatchObject({ status: 'won', stage_id: await stageNamed('Ganho') });

    for (const body of [undefined, {}, { reason: '   ' }]) {
      const refused = await api('POST', `/deals/${deal.id}/lost`, body);
      expect(refused.statusCode).toBe(422);
      expect(refused.json()).toMatchObject({ error: 'unprocessable', details: [{ field: 'reason' }] });
    }
    expect((await api('GET', `/deals/${deal.id}`)).json().status).toBe('won');

    const lost = await api('POST', `/deals/${deal.id}/lost`, { reason: 'Sem orçamento' });
    expect(lost.json()).toMatchObject({
      status: 'lost',
      lost_reason: 'Sem orçamento',
      stage_id: await stageNamed('Perdido'),
    });
  });

  it('filters the list by stage, owner, contact and status', async () => {
    const contactId = await createContact();
    const other = await createContact();
    const a = await createDeal({ title: 'A', contact_id: contactId });
    const b = await createDeal({ title: 'B', contact_id: contactId, owner_id: agent.user.id });
    await createDeal({ title: 'C', contact_id: other });
    await api('POST', `/deals/${b.id}/won`);

    const ids = async (query: string) => {
      const response = await api('GET', `/deals?${query}`);
      expect(response.statusCode).toBe(200);
      return response
        .json()
        .payload.map((deal: { id: number }) => deal.id)
        .sort();
    };
    expect(await ids(`contact_id=${contactId}`)).toEqual([a.id, b.id].sort());
    expect(await ids(`contact_id=${contactId}&status=won`)).toEqual([b.id]);
    expect(await ids(`contact_id=${contactId}&owner_id=${agent.user.id}`)).toEqual([b.id]);
    expect(await ids(`contact_id=${contactId}&stage_id=${await stageNamed('Novo')}`)).toEqual([a.id]);
    const listed = (await api('GET', `/deals?contact_id=${contactId}`)).json();
    expect(listed.meta).toEqual({ count: 2, current_page: 1 });
    expect((await api('GET', '/deals?status=talvez')).statusCode).toBe(400);
  });

  it('answers 404 naming the field for unknown ids and ids of another account, writing nothing', async () => {
    const contactId = await createContact();
    const before = await dealCount();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ contact_id: 999_999 }, 'contact_id'],
      [{ contact_id: otherAccount.contactId }, 'contact_id'],
      [{ contact_id: contactId, stage_id: otherAccount.stageId }, 'stage_id'],
      [{ contact_id: contactId, stage_id: 999_999 }, 'stage_id'],
      [{ contact_id: contactId, owner_id: 999_999 }, 'owner_id'],
      [{ contact_id: contactId, conversation_id: 999_999 }, 'conversation_id'],
      [{ contact_id: contactId, event_id: 999_999 }, 'event_id'],
    ];
    for (const [body, field] of cases) {
      const response = await api('POST', '/deals', { title: 'X', ...body });
      expect(response.statusCode, field).toBe(404);
      expect(response.json().details[0].field).toBe(field);
    }
    expect(await dealCount()).toBe(before);

    expect((await api('GET', `/deals/${otherAccount.dealId}`)).statusCode).toBe(404);
    expect((await api('PATCH', `/deals/${otherAccount.dealId}`, { title: 'Meu' })).statusCode).toBe(404);
    expect((await api('POST', `/deals/${otherAccount.dealId}/won`)).statusCode).toBe(404);
    expect((await api('DELETE', `/deals/${otherAccount.dealId}`)).statusCode).toBe(404);
    const untouched = await t.db
      .selectFrom('deals')
      .select(['title', 'status'])
      .where('id', '=', otherAccount.dealId)
      .executeTakeFirstOrThrow();
    expect(untouched).toEqual({ title: 'Deles', status: 'open' });
  });

  it('refuses invalid dates and values with 400 naming the field', async () => {
    const contactId = await createContact();
    for (const [body, field] of [
      [{ expected_close_on: '2025-02-30' }, 'expected_close_on'],
      [{ expected_close_on: '20/12/2025' }, 'expected_close_on'],
      [{ value_cents: -5 }, 'value_cents'],
      [{ value_cents: 10.5 }, 'value_cents'],
      [{ title: '' }, 'title'],
    ] as const) {
      const response = await api('POST', '/deals', { title: 'Ok', contact_id: contactId, ...body });
      expect(response.statusCode, field).toBe(400);
      expect(response.json().message).toContain(field);
    }
  });

  it('keeps every move when two moves of one deal race (each starts where the other ended)', async () => {
    const [qualificado, proposta] = [await stageNamed('Qualificado'), await stageNamed('Proposta')];
    for (let round = 0; round < 4; round++) {
      const deal = await createDeal({ title: `Corrida ${round}`, contact_id: await createContact() });
      const results = await Promise.all([
        api('PATCH', `/deals/${deal.id}`, { stage_id: qualificado }),
        api('PATCH', `/deals/${deal.id}`, { stage_id: proposta }),
      ]);
      expect(results.map((response) => response.statusCode)).toEqual([200, 200]);
      const changes = (await api('GET', `/deals/${deal.id}/stage_changes`)).json().payload;
      expect(changes).toHaveLength(3);
      for (let i = 1; i < changes.length; i++) expect(changes[i].from_stage_id).toBe(changes[i - 1].to_stage_id);
      expect((await api('GET', `/deals/${deal.id}`)).json().stage_id).toBe(changes[2].to_stage_id);
    }
  });

  it('lets only administrators delete a deal', async () => {
    const deal = await createDeal({ title: 'Apagar', contact_id: await createContact() });
    expect((await api('DELETE', `/deals/${deal.id}`, undefined, agent)).statusCode).toBe(403);
    expect((await api('DELETE', `/deals/${deal.id}`)).statusCode).toBe(204);
    expect((await api('GET', `/deals/${deal.id}`)).statusCode).toBe(404);
  });

  it('announces each committed change for open kanbans: created, updated (with the stage it left), deleted', async () => {
    const published: AccountEvent[] = [];
    // What this process publishes, as it publishes it (with Redis, subscribers hear it a moment later).
    const unsubscribe = t.app.events.onPublish((event) => {
      if (event.name.startsWith('deal.')) published.push(event);
    });
    try {
      const deal = await createDeal({ title: 'Ao vivo', contact_id: await createContact(), value_cents: 150_000 });
      const novo = await stageNamed('Novo');
      const proposta = await stageNamed('Proposta');
      await api('PATCH', `/deals/${deal.id}`, { stage_id: proposta });
      // Refused (Perdido needs a reason) or changing nothing: nothing to announce.
      expect((await api('PATCH', `/deals/${deal.id}`, { stage_id: await stageNamed('Perdido') })).statusCode).toBe(422);
      await api('PATCH', `/deals/${deal.id}`, { stage_id: proposta });
      await api('POST', `/deals/${deal.id}/won`);
      await api('DELETE', `/deals/${deal.id}`);

      expect(published.map((event) => [event.name, event.data.stage_id, event.data.previous_stage_id])).toEqual([
        ['deal.created', novo, undefined],
        ['deal.updated', proposta, novo],
        ['deal.updated', await stageNamed('Ganho'), proposta],
        ['deal.deleted', await stageNamed('Ganho'), undefined],
      ]);
      expect(published[0]).toMatchObject({
        accountId: 1,
        data: { id: deal.id, title: 'Ao vivo', status: 'open', value_cents: 150_000 },
      });
      expect(published[2]?.data.status).toBe('won');
    } finally {
      unsubscribe();
    }
  });
});

describe('the kanban board', () => {
  it('lists every stage with the count and sum of its deals, and at most per_stage deals each', async () => {
    const contactId = await createContact('Quadro');
    const novo = await stageNamed('Novo');
    const negociacao = await stageNamed('Negociação');
    await createDeal({ title: 'N1', contact_id: contactId, value_cents: 100_00 });
    await createDeal({ title: 'N2', contact_id: contactId, value_cents: 250_00 });
    await createDeal({ title: 'N3', contact_id: contactId });
    await createDeal({ title: 'G1', contact_id: contactId, stage_id: negociacao, value_cents: 1_000_00 });

    const response = await api('GET', `/deals/board?contact_id=${contactId}&per_stage=2`);
    expect(response.statusCode).toBe(200);
    const columns = response.json().payload as Array<{
      stage: { id: number; name: string };
      count: number;
      value_cents: number;
      deals: Array<{ title: string }>;
    }>;
    expect(columns.map((column) => column.stage.name).slice(0, 6)).toEqual([
      'Novo',
      'Qualificado',
      'Proposta',
      'Negociação',
      'Ganho',
      'Perdido',
    ]);
    const novoColumn = columns.find((column) => column.stage.id === novo);
    expect(novoColumn).toMatchObject({ count: 3, value_cents: 350_00 });
    expect(novoColumn?.deals.map((deal) => deal.title)).toEqual(['N3', 'N2']);
    expect(columns.find((column) => column.stage.id === negociacao)).toMatchObject({ count: 1, value_cents: 1_000_00 });
    expect(columns.find((column) => column.stage.name === 'Ganho')).toMatchObject({
      count: 0,
      value_cents: 0,
      deals: [],
    });
  });
});

describe('from a conversation', () => {
  it('creates a deal for the conversation’s contact, linked back to the conversation', async () => {
    const conversation = await incoming('Quero orçar uma festa');
    const response = await api('POST', `/conversations/${conversation.display_id}/crm/deal`, { value_cents: 500_00 });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({
      contact_id: conversation.contact_id,
      conversation_id: conversation.display_id,
      value_cents: 500_00,
      title: `Joana — conversa #${conversation.display_id}`,
    });
    expect((await api('GET', `/deals?contact_id=${conversation.contact_id}`)).json().meta.count).toBe(1);
    expect((await api('POST', '/conversations/999999/crm/deal', {})).statusCode).toBe(404);
  });

  it('makes the conversation’s contact a client, pre-filled, and opens the same client the second time', async () => {
    const conversation = await incoming('Quero fechar o buffet');
    const contact = await t.db
      .selectFrom('contacts')
      .select(['name', 'phone_number'])
      .where('id', '=', conversation.contact_id)
      .executeTakeFirstOrThrow();
    const created = await api('POST', `/conversations/${conversation.display_id}/crm/client`, {
      address: { city: 'Belo Horizonte' },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({
      contact_id: conversation.contact_id,
      name: contact.name,
      phone_number: contact.phone_number,
      address: { city: 'Belo Horizonte' },
    });
    const again = await api('POST', `/conversations/${conversation.display_id}/crm/client`);
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(created.json().id);
    const contacts = await t.db
      .selectFrom('contacts')
      .select('id')
      .where('phone_number', '=', contact.phone_number)
      .execute();
    expect(contacts).toHaveLength(1);
    expect((await api('POST', '/conversations/999999/crm/client', {})).statusCode).toBe(404);
  });

  it('hides conversations of other inboxes from agents (404), in the shortcut and in POST /deals', async () => {
    const conversation = await incoming('Oi');
    expect((await api('POST', `/conversations/${conversation.display_id}/crm/deal`, {}, agent)).statusCode).toBe(404);
    const linked = await api(
      'POST',
      '/deals',
      { title: 'X', contact_id: conversation.contact_id, conversation_id: conversation.display_id },
      agent,
    );
    expect(linked.statusCode).toBe(404);
    expect(linked.json().details[0].field).toBe('conversation_id');
  });
});

describe('activities', () => {
  it('creates a task for its creator by default and lists "minhas tarefas" soonest first', async () => {
    const mine = await createUser(1, 'agent', 'Tarefeira');
    const contactId = await createContact();
    const create = (body: Record<string, unknown>) => api('POST', '/activities', body, mine);
    const later = await create({
      kind: 'call',
      title: 'Ligar',
      due_at: '2030-01-10T10:00:00-03:00',
      contact_id: contactId,
    });
    const sooner = await create({ kind: 'task', title: 'Enviar proposta', due_at: '2030-01-05T09:00:00Z' });
    const forAdmin = await create({
      kind: 'meeting',
      title: 'Reunião',
      due_at: '2030-01-01T09:00:00Z',
      assignee_id: admin.user.id,
    });
    expect(later.statusCode).toBe(201);
    expect(later.json()).toMatchObject({
      kind: 'call',
      due_at: '2030-01-10T13:00:00.000Z',
      assignee_id: mine.user.id,
      contact_id: contactId,
      done: false,
    });
    expect(forAdmin.json().assignee_id).toBe(admin.user.id);

    const titles = async (query: string) =>
      (await api('GET', `/activities?${query}`, undefined, mine)).json().payload.map((a: { title: string }) => a.title);
    expect(await titles('assignee_id=me')).toEqual(['Enviar proposta', 'Ligar']);
    expect(await titles(`assignee_id=me&due_before=${encodeURIComponent('2030-01-08T00:00:00-03:00')}`)).toEqual([
      'Enviar proposta',
    ]);

    const done = await api('PATCH', `/activities/${sooner.json().id}`, { done: true }, mine);
    expect(done.json().done).toBe(true);
    expect(done.json().done_at).not.toBeNull();
    expect(await titles('assignee_id=me&done=false')).toEqual(['Ligar']);
    expect(await titles('assignee_id=me&done=true')).toEqual(['Enviar proposta']);
    const reopened = await api('PATCH', `/activities/${sooner.json().id}`, { done: false }, mine);
    expect(reopened.json()).toMatchObject({ done: false, done_at: null });
  });

  it('takes the contact of the deal it is about', async () => {
    const contactId = await createContact();
    const deal = await createDeal({ title: 'Com tarefa', contact_id: contactId });
    const activity = await api('POST', '/activities', { kind: 'whatsapp', title: 'Mandar fotos', deal_id: deal.id });
    expect(activity.json()).toMatchObject({ deal_id: deal.id, contact_id: contactId });
  });

  it('refuses bad dates (400) and unknown or foreign ids (404), naming the field', async () => {
    const bad = await api('POST', '/activities', { kind: 'task', title: 'X', due_at: 'amanhã' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('due_at');
    const noOffset = await api('POST', '/activities', { kind: 'task', title: 'X', due_at: '2030-01-01T10:00:00' });
    expect(noOffset.statusCode).toBe(400);
    expect((await api('POST', '/activities', { kind: 'visit', title: 'X' })).json().message).toContain('kind');
    expect((await api('GET', '/activities?due_before=ontem')).statusCode).toBe(400);

    for (const [body, field] of [
      [{ assignee_id: 999_999 }, 'assignee_id'],
      [{ contact_id: otherAccount.contactId }, 'contact_id'],
      [{ deal_id: otherAccount.dealId }, 'deal_id'],
      [{ event_id: 999_999 }, 'event_id'],
    ] as const) {
      const response = await api('POST', '/activities', { kind: 'task', title: 'X', ...body });
      expect(response.statusCode, field).toBe(404);
      expect(response.json().details[0].field).toBe(field);
    }
  });

  it('lets the creator, the assignee or an administrator delete an activity', async () => {
    const other = await createUser(1, 'agent', 'Outra');
    const activity = (await api('POST', '/activities', { kind: 'task', title: 'Minha' }, agent)).json();
    expect((await api('DELETE', `/activities/${activity.id}`, undefined, other)).statusCode).toBe(403);
    expect((await api('DELETE', `/activities/${activity.id}`, undefined, agent)).statusCode).toBe(204);
    expect((await api('GET', `/activities/${activity.id}`)).statusCode).toBe(404);
  });
});

describe('CRM audit log', () => {
  it('records who created, changed and deleted a deal, and what changed', async () => {
    const deal = await createDeal({ title: 'Auditado', contact_id: await createContact(), value_cents: 100 });
    await api('PATCH', `/deals/${deal.id}`, { value_cents: 200 }, agent);
    await api('DELETE', `/deals/${deal.id}`);

    const response = await api('GET', `/audit_log?entity=deal&entity_id=${deal.id}`);
    expect(response.statusCode).toBe(200);
    const { meta, payload } = response.json();
    expect(meta).toEqual({ count: 3, current_page: 1 });
    expect(payload.map((entry: { action: string }) => entry.action)).toEqual([
      'deal.deleted',
      'deal.updated',
      'deal.created',
    ]);
    expect(payload[1]).toMatchObject({
      entity: 'deal',
      entity_id: deal.id,
      actor: { id: agent.user.id },
      changes: { before: { value_cents: 100 }, after: { value_cents: 200 } },
    });
    expect(payload[1].at).toMatch(/Z$/);
  });

  it('reads the other CRM entities the same way, only for administrators and only of the account', async () => {
    await t.app.services.audit.record({
      action: 'client.updated',
      accountId: 1,
      actorUserId: admin.user.id,
      targetType: 'client',
      targetId: 4242,
      details: { before: { name: 'A' }, after: { name: 'B' } },
    });
    await t.app.services.audit.record({
      action: 'client.updated',
      accountId: otherAccount.id,
      targetType: 'client',
      targetId: 4242,
    });
    const response = await api('GET', '/audit_log?entity=client&entity_id=4242');
    expect(response.json().payload).toEqual([
      expect.objectContaining({
        action: 'client.updated',
        entity: 'client',
        entity_id: 4242,
        actor: expect.objectContaining({ id: admin.user.id }),
      }),
    ]);
    expect((await api('GET', '/audit_log', undefined, agent)).statusCode).toBe(403);
    expect((await api('GET', '/audit_log?entity=contact')).statusCode).toBe(400);
  });
});
