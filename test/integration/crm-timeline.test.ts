import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/accounts/password.js';
import { type FakeGraph, startFakeGraph } from '../helpers/fake-graph.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createWhatsAppInbox, postWebhook, type TestInbox, textPayload, waitForWebhooks } from '../helpers/whatsapp.js';

let t: TestApp;
let graph: FakeGraph;
let inbox: TestInbox;
type Caller = { tokenHeaders: Record<string, string>; user: { id: number } };
let admin: Caller;
let agent: Caller;

let sequence = 0;
const unique = () => `${process.pid}${++sequence}${Math.floor(Math.random() * 1e4)}`;

const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, as: Caller = admin) =>
  t.inject({
    method,
    url: `/api/v1/accounts/1${url}`,
    headers: as.tokenHeaders,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

async function createAgent(name = 'Agente') {
  const email = `${name.toLowerCase()}-${unique()}@example.com`;
  const user = await t.app.services.users.createUser({ name, email, passwordHash: await hashPassword('senha-123456') });
  await t.app.services.users.addMembership({ accountId: 1, userId: user.id, role: 'agent', availability: 'available' });
  return t.signIn(email, 'senha-123456');
}

/** A person who wrote to the business on WhatsApp: `texts` become messages of one conversation. */
async function personWhoWrote(texts: string[]) {
  const from = `5531977${String(++sequence).padStart(6, '0')}`;
  for (const text of texts) {
    const response = await postWebhook(
      t,
      textPayload(inbox.phoneNumberId, { from, wamid: `wamid.tl-${unique()}`, text, name: 'Rita' }),
      inbox.appSecret,
    );
    expect(response.statusCode).toBe(200);
    await waitForWebhooks(t);
  }
  return t.db
    .selectFrom('conversations')
    .innerJoin('contact_inboxes', 'contact_inboxes.id', 'conversations.contact_inbox_id')
    .select(['conversations.id', 'conversations.display_id', 'conversations.contact_id'])
    .where('contact_inboxes.source_id', '=', from)
    .executeTakeFirstOrThrow();
}

type Entry = { kind: string; at: string; id: number } & Record<string, unknown>;
async function timeline(contactId: number, query = '', as: Caller = admin) {
  const response = await api('GET', `/contacts/${contactId}/timeline${query}`, undefined, as);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as { payload: Entry[]; meta: { next_before: string | null } };
}

/** Walks the timeline page by page through next_before. */
async function allPages(contactId: number, limit: number) {
  const seen: Entry[] = [];
  let before: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const query = `?limit=${limit}${before ? `&before=${encodeURIComponent(before)}` : ''}`;
    const page = await timeline(contactId, query);
    expect(page.payload.length).toBeLessThanOrEqual(limit);
    seen.push(...page.payload);
    before = page.meta.next_before;
    if (!before) return seen;
  }
  throw new Error('too many pages');
}

beforeAll(async () => {
  graph = await startFakeGraph();
  t = await createTestApp({ env: { WHATSAPP_GRAPH_URL: graph.url } });
  inbox = await createWhatsAppInbox(t);
  admin = await t.signIn();
  agent = await createAgent();
  await t.app.jobs.startWorker();
});
afterAll(async () => {
  await t.close();
  await graph.close();
});

describe('contact notes (Chatwoot’s /contacts/:id/notes)', () => {
  it('writes notes and lists them newest first, in Chatwoot’s shape', async () => {
    const person = await personWhoWrote(['Oi']);
    const first = await api('POST', `/contacts/${person.contact_id}/notes`, { content: 'Prefere contato à tarde' });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({
      content: 'Prefere contato à tarde',
      account_id: 1,
      contact_id: person.contact_id,
      user: { id: admin.user.id },
    });
    expect(typeof first.json().created_at).toBe('number');
    const wrapped = await api('POST', `/contacts/${person.contact_id}/notes`, { note: { content: 'Cliente VIP' } });
    expect(wrapped.statusCode).toBe(200);

    const list = await api('GET', `/contacts/${person.contact_id}/notes`);
    expect(list.json().map((note: { content: string }) => note.content)).toEqual([
      'Cliente VIP',
      'Prefere contato à tarde',
    ]);
    expect((await api('GET', `/contacts/${person.contact_id}/notes/${first.json().id}`)).json().id).toBe(
      first.json().id,
    );
  });

  it('refuses an empty note (400 naming content) and unknown contacts (404)', async () => {
    const person = await personWhoWrote(['Oi']);
    const empty = await api('POST', `/contacts/${person.contact_id}/notes`, { content: '  ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().message).toContain('content');
    expect((await api('POST', '/contacts/999999/notes', { content: 'x' })).statusCode).toBe(404);
    expect((await api('GET', '/contacts/999999/notes')).statusCode).toBe(404);
  });

  it('lets only the author or an administrator delete a note', async () => {
    const person = await personWhoWrote(['Oi']);
    const note = (await api('POST', `/contacts/${person.contact_id}/notes`, { content: 'Do admin' })).json();
    expect((await api('DELETE', `/contacts/${person.contact_id}/notes/${note.id}`, undefined, agent)).statusCode).toBe(
      403,
    );
    const own = (await api('POST', `/contacts/${person.contact_id}/notes`, { content: 'Do agente' }, agent)).json();
    expect((await api('DELETE', `/contacts/${person.contact_id}/notes/${own.id}`, undefined, agent)).statusCode).toBe(
      200,
    );
    expect((await api('DELETE', `/contacts/${person.contact_id}/notes/${note.id}`)).statusCode).toBe(200);
    expect(await (await api('GET', `/contacts/${person.contact_id}/notes`)).json()).toEqual([]);
  });
});

describe('contact timeline', () => {
  it('merges every kind of entry about a person, newest first', async () => {
    const person = await personWhoWrote(['Oi, quero orçar um casamento', 'Para 150 pessoas', 'Em dezembro']);
    const contactId = person.contact_id;

    // The person is a client with an event and a provider with an assignment (rows as the other CRM services write them).
    const service = await t.db
      .insertInto('service_types')
      .values({ account_id: 1, name: `Garçom ${unique()}` })
      .returning('id')
      .executeTakeFirstOrThrow();
    const client = await t.db
      .insertInto('clients')
      .values({ account_id: 1, contact_id: contactId, address: '{}' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const event = await t.db
      .insertInto('events')
      .values({
        account_id: 1,
        client_id: client.id,
        title: 'Casamento da Rita',
        starts_at: '2030-12-12T22:00:00Z',
        ends_at: '2030-12-13T04:00:00Z',
        location: '{}',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const provider = await t.db
      .insertInto('providers')
      .values({ account_id: 1, contact_id: contactId })
      .returning('id')
      .executeTakeFirstOrThrow();
    await t.db
      .insertInto('assignments')
      .values({
        account_id: 1,
        event_id: event.id,
        provider_id: provider.id,
        service_type_id: service.id,
        status: 'assigned',
        starts_at: '2030-12-12T22:00:00Z',
        ends_at: '2030-12-13T04:00:00Z',
      })
      .execute();

    const deal = (
      await api('POST', '/deals', { title: 'Casamento', contact_id: contactId, value_cents: 900_000 })
    ).json();
    const stages = (await api('GET', '/pipeline_stages')).json().payload as Array<{ id: number; name: string }>;
    const proposta = stages.find((stage) => stage.name === 'Proposta')?.id;
    await api('PATCH', `/deals/${deal.id}`, { stage_id: proposta });
    await api('POST', '/activities', { kind: 'call', title: 'Ligar para a Rita', contact_id: contactId });
    await api('POST', `/contacts/${contactId}/notes`, { content: 'Quer buffet vegetariano' });

    const { payload, meta } = await timeline(contactId);
    expect(meta.next_before).toBeNull();
    expect(payload.map((entry) => entry.kind)).toEqual([
      'note',
      'activity',
      'deal_stage',
      'deal',
      'assignment',
      'event',
      'conversation',
    ]);
    const times = payload.map((entry) => entry.at);
    expect(times).toEqual([...times].sort().reverse());

    const byKind = Object.fromEntries(payload.map((entry) => [entry.kind, entry]));
    expect(byKind.conversation).toMatchObject({
      display_id: person.display_id,
      inbox: { id: inbox.id },
      messages_count: 3,
      last_message: { content: 'Em dezembro', direction: 'incoming' },
    });
    expect(byKind.deal_stage).toMatchObject({
      deal_id: deal.id,
      from_stage: { name: 'Novo' },
      to_stage: { name: 'Proposta' },
      user: { id: admin.user.id },
    });
    expect(byKind.deal).toMatchObject({ id: deal.id, title: 'Casamento', value_cents: 900_000 });
    expect(byKind.event).toMatchObject({
      id: event.id,
      title: 'Casamento da Rita',
      starts_at: '2030-12-12T22:00:00.000Z',
    });
    expect(byKind.assignment).toMatchObject({ event_id: event.id, provider_id: provider.id, status: 'assigned' });
    expect(byKind.activity).toMatchObject({ activity_kind: 'call', title: 'Ligar para a Rita', done: false });
    expect(byKind.note).toMatchObject({ content: 'Quer buffet vegetariano', user: { id: admin.user.id } });
  });

  it('pages through entries written in the same instant without gaps or repeats', async () => {
    const person = await personWhoWrote(['Oi']);
    // Eleven notes in one instant, and some around it: only the cursor's tie-break keeps them apart.
    await sql`INSERT INTO contact_notes (account_id, contact_id, content, created_at)
      SELECT 1, ${person.contact_id}, 'empate ' || n, '2024-05-01T12:00:00.123456Z' FROM generate_series(1, 11) n`.execute(
      t.db,
    );
    await sql`INSERT INTO contact_notes (account_id, contact_id, content, created_at)
      SELECT 1, ${person.contact_id}, 'antes ' || n, '2024-05-01T12:00:00.123456Z'::timestamptz - n * interval '1 microsecond'
      FROM generate_series(1, 3) n`.execute(t.db);

    const whole = await allPages(person.contact_id, 100);
    expect(whole).toHaveLength(15);
    for (const limit of [1, 2, 4]) {
      const paged = await allPages(person.contact_id, limit);
      expect(paged.map((entry) => `${entry.kind}:${entry.id}`)).toEqual(
        whole.map((entry) => `${entry.kind}:${entry.id}`),
      );
    }
  });

  it('reads a plain ISO instant in before as "older than that"', async () => {
    const person = await personWhoWrote(['Oi']);
    await sql`INSERT INTO contact_notes (account_id, contact_id, content, created_at) VALUES
      (1, ${person.contact_id}, 'velha', '2020-01-01T10:00:00Z'),
      (1, ${person.contact_id}, 'nova', '2021-01-01T10:00:00Z')`.execute(t.db);
    const page = await timeline(person.contact_id, `?before=${encodeURIComponent('2021-01-01T07:00:00-03:00')}`);
    expect(page.payload.map((entry) => entry.content)).toEqual(['velha']);
  });

  it('refuses a bad before (400 naming it) and other accounts’ or unknown contacts (404)', async () => {
    const person = await personWhoWrote(['Oi']);
    for (const before of ['ontem', '2024-02-30T10:00:00Z', '2024-05-01T10:00:00', '2024-05-01T10:00:00Z~nota~1']) {
      const response = await api('GET', `/contacts/${person.contact_id}/timeline?before=${encodeURIComponent(before)}`);
      expect(response.statusCode, before).toBe(400);
      expect(response.json().details[0].field).toBe('before');
    }
    const other = await t.app.services.users.createAccount('Outra');
    const foreign = await t.db
      .insertInto('contacts')
      .values({ account_id: other.id, name: 'Alheio', custom_attributes: '{}', additional_attributes: '{}' })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect((await api('GET', `/contacts/${foreign.id}/timeline`)).statusCode).toBe(404);
    expect((await api('GET', '/contacts/999999/timeline')).statusCode).toBe(404);
  });

  it('shows agents only the conversations of their inboxes', async () => {
    const person = await personWhoWrote(['Oi']);
    await api('POST', `/contacts/${person.contact_id}/notes`, { content: 'Visível a todos' });
    expect((await timeline(person.contact_id, '', agent)).payload.map((entry) => entry.kind)).toEqual(['note']);
    await t.db
      .insertInto('inbox_members')
      .values({ inbox_id: inbox.id, user_id: agent.user.id, account_id: 1 })
      .execute();
    expect((await timeline(person.contact_id, '', agent)).payload.map((entry) => entry.kind)).toEqual([
      'note',
      'conversation',
    ]);
  });
});
