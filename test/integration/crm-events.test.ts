import { CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/accounts/password.js';
import { calendarPageQuery } from '../../src/crm/events/events.repo.js';
import type { AccountEvent } from '../../src/realtime/event-bus.js';
import { eventually } from '../helpers/eventually.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createWhatsAppInbox, postWebhook, textPayload, waitForWebhooks } from '../helpers/whatsapp.js';

let t: TestApp;
let admin: Awaited<ReturnType<TestApp['signIn']>>;
let otherAccountId: number;
const published: AccountEvent[] = [];

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.signIn();
  t.app.events.subscribe((event) => published.push(event));
  otherAccountId = (await t.app.services.users.createAccount('Outra empresa')).id;
});
afterAll(async () => {
  await t.close();
});

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
const api = (method: Method, url: string, payload?: unknown, headers: Record<string, string> = admin.tokenHeaders) =>
  t.inject({
    method,
    url: `/api/v1/accounts/1${url}`,
    headers,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

let sequence = 0;
const unique = (prefix: string) => `${prefix} ${process.pid}-${++sequence}`;

async function serviceType(name: string, accountId = 1) {
  const row = await t.db
    .insertInto('service_types')
    .values({ account_id: accountId, name: unique(name) })
    .returning(['id', 'name'])
    .executeTakeFirstOrThrow();
  return row;
}

async function contact(name: string, accountId: number) {
  return t.db
    .insertInto('contacts')
    .values({ account_id: accountId, name, custom_attributes: '{}', additional_attributes: '{}' })
    .returning('id')
    .executeTakeFirstOrThrow();
}

async function client(name = unique('Cliente'), accountId = 1) {
  const person = await contact(name, accountId);
  const row = await t.db
    .insertInto('clients')
    .values({ account_id: accountId, contact_id: person.id, address: '{}' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, name };
}

async function provider(serviceTypeIds: number[], options: { active?: boolean; accountId?: number } = {}) {
  const accountId = options.accountId ?? 1;
  const name = unique('Prestador');
  const person = await contact(name, accountId);
  const row = await t.db
    .insertInto('providers')
    .values({ account_id: accountId, contact_id: person.id, active: options.active ?? true, rating: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (serviceTypeIds.length > 0) {
    await t.db
      .insertInto('provider_services')
      .values(serviceTypeIds.map((id) => ({ provider_id: row.id, service_type_id: id, account_id: accountId })))
      .execute();
  }
  return { id: row.id, name };
}

// Each booking gets its own day, so tests never collide on a provider's calendar by accident.
let day = 0;
function slot(hours = 4) {
  day++;
  const start = new Date(Date.UTC(2030, 0, 1, 22, 0) + day * 86_400_000);
  return {
    starts_at: start.toISOString().replace('.000Z', 'Z'),
    ends_at: new Date(start.getTime() + hours * 3_600_000).toISOString().replace('.000Z', 'Z'),
  };
}

async function bookEvent(body: Record<string, unknown> = {}) {
  const response = await api('POST', '/events', {
    title: unique('Festa'),
    client_id: (await client()).id,
    ...slot(),
    ...body,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

const assign = (eventId: number, providerId: number, service: string | number) =>
  api('POST', `/events/${eventId}/assignments`, { provider_id: providerId, service });

const countEvents = async () =>
  Number(
    (
      await t.db
        .selectFrom('events')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('booking an event', () => {
  it('stores times in UTC and answers the staffing with nothing filled yet', async () => {
    const garcom = await serviceType('Garçom');
    const dj = await serviceType('DJ');
    const owner = await client('Maria Silva');
    const response = await api('POST', '/events', {
      title: 'Casamento Silva',
      client_id: owner.id,
      starts_at: '2030-06-07T19:00:00-03:00',
      ends_at: '2030-06-08T01:00:00-03:00',
      service_type: dj.name,
      location: { address: 'Rua das Flores', number: '10', city: 'São Paulo', state: 'SP' },
      value_cents: 150_000,
      notes: 'Buffet completo',
      staffing: [
        { service: garcom.name.toUpperCase(), quantity: 2 },
        { service: dj.id, quantity: 1 },
      ],
    });
    expect(response.statusCode, response.body).toBe(201);
    const event = response.json();
    expect(event).toMatchObject({
      title: 'Casamento Silva',
      client_id: owner.id,
      client: { id: owner.id, name: 'Maria Silva' },
      starts_at: '2030-06-07T22:00:00.000Z',
      ends_at: '2030-06-08T04:00:00.000Z',
      status: 'scheduled',
      service_type: { id: dj.id, name: dj.name },
      value_cents: 150_000,
      location: { city: 'São Paulo' },
      staffing: [
        { service: garcom.name, service_type_id: garcom.id, quantity: 2, filled: 0 },
        { service: dj.name, service_type_id: dj.id, quantity: 1, filled: 0 },
      ],
      assignments: [],
      conversation_id: null,
    });
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['action', 'actor_user_id', 'details'])
      .where('target_type', '=', 'event')
      .where('target_id', '=', String(event.id))
      .execute();
    expect(audit).toEqual([
      expect.objectContaining({
        action: 'event.created',
        actor_user_id: admin.user.id,
        details: expect.objectContaining({ after: expect.objectContaining({ title: 'Casamento Silva' }) }),
      }),
    ]);
    // Published after commit (through Redis on PostgreSQL): it may arrive a moment after the answer.
    const announced = await eventually(() =>
      published.find((item) => item.name === 'event.created' && item.data.id === event.id),
    );
    expect(announced.data).toEqual({
      id: event.id,
      title: 'Casamento Silva',
      starts_at: '2030-06-07T22:00:00.000Z',
      ends_at: '2030-06-08T04:00:00.000Z',
      status: 'scheduled',
      client_id: owner.id,
    });
    expect((await api('GET', `/events/${event.id}`)).json()).toEqual(event);
  });

  it('links the event to the conversation the booking came from', async () => {
    const inbox = await createWhatsAppInbox(t);
    await t.app.jobs.startWorker();
    const from = `5511987${String(Date.now()).slice(-6)}`;
    const posted = await postWebhook(
      t,
      textPayload(inbox.phoneNumberId, { from, wamid: `wamid.crm-${Date.now()}`, text: 'Quero reservar' }),
      inbox.appSecret,
    );
    expect(posted.statusCode).toBe(200);
    await waitForWebhooks(t);
    const conversation = await t.db
      .selectFrom('conversations')
      .select(['display_id', 'inbox_id', 'contact_id'])
      .where('inbox_id', '=', inbox.id)
      .executeTakeFirstOrThrow();
    const event = await bookEvent({ conversation_id: conversation.display_id });
    expect(event.conversation_id).toBe(conversation.display_id);
    expect(event.conversation).toEqual({
      id: conversation.display_id,
      inbox_id: inbox.id,
      contact_id: conversation.contact_id,
    });
    const unknown = await api('POST', '/events', {
      title: 'x',
      client_id: event.client_id,
      ...slot(),
      conversation_id: 999_999,
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().message).toContain('conversation_id');
  });

  it('lets an agent link only conversations of inboxes they see (others: 404, nothing written)', async () => {
    const inbox = await createWhatsAppInbox(t);
    await t.app.jobs.startWorker();
    const from = `5511986${String(Date.now()).slice(-6)}`;
    const posted = await postWebhook(
      t,
      textPayload(inbox.phoneNumberId, { from, wamid: `wamid.crm-hidden-${Date.now()}`, text: 'Orçamento?' }),
      inbox.appSecret,
    );
    expect(posted.statusCode).toBe(200);
    await waitForWebhooks(t);
    const { display_id: displayId } = await t.db
      .selectFrom('conversations')
      .select('display_id')
      .where('inbox_id', '=', inbox.id)
      .executeTakeFirstOrThrow();
    const email = `agente-conversa-${process.pid}-${Date.now()}@example.com`;
    const user = await t.app.services.users.createUser({
      name: 'Agente',
      email,
      passwordHash: await hashPassword('senha-do-agente-1'),
    });
    await t.app.services.users.addMembership({ accountId: 1, userId: user.id, role: 'agent' });
    const agent = (await t.signIn(email, 'senha-do-agente-1')).tokenHeaders;
    const owner = await client();
    const before = await countEvents();

    const created = await api(
      'POST',
      '/events',
      { title: 'x', client_id: owner.id, ...slot(), conversation_id: displayId },
      agent,
    );
    expect(created.statusCode).toBe(404);
    expect(created.json().details).toEqual([{ field: 'conversation_id', message: 'não encontrado', id: displayId }]);
    expect(await countEvents()).toBe(before);

    const event = await bookEvent();
    const patched = await api('PATCH', `/events/${event.id}`, { conversation_id: displayId }, agent);
    expect(patched.statusCode).toBe(404);
    expect((await api('GET', `/events/${event.id}`)).json().conversation_id).toBeNull();

    // A member of the inbox links it.
    await t.db.insertInto('inbox_members').values({ account_id: 1, inbox_id: inbox.id, user_id: user.id }).execute();
    const linked = await api('PATCH', `/events/${event.id}`, { conversation_id: displayId }, agent);
    expect(linked.statusCode, linked.body).toBe(200);
    expect(linked.json().conversation_id).toBe(displayId);
  });

  it('refuses bad input with the field named and writes nothing', async () => {
    const owner = await client();
    const before = await countEvents();
    const base = { title: 'Aniversário', client_id: owner.id, starts_at: '2030-03-01T19:00:00-03:00' };
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ ...base, ends_at: '2030-03-01T23:00:00' }, 400, 'ends_at'],
      [{ ...base, starts_at: '2030-03-01 19:00', ends_at: '2030-03-01T23:00:00-03:00' }, 400, 'starts_at'],
      [{ ...base, ends_at: '2030-03-01T18:00:00-03:00' }, 422, 'ends_at'],
      [{ ...base, ends_at: '2030-03-01T19:00:00-03:00' }, 422, 'ends_at'],
      [{ ...base, ends_at: '2030-04-01T19:00:00-03:00' }, 422, 'ends_at'],
      [{ ...base, ends_at: '2030-03-01T23:00:00-03:00', value_cents: -1 }, 400, 'value_cents'],
      [{ ...base, ends_at: '2030-03-01T23:00:00-03:00', value_cents: 10.5 }, 400, 'value_cents'],
      [{ ...base, ends_at: '2030-03-01T23:00:00-03:00', client_id: 987_654 }, 404, 'client_id'],
      [{ ...base, ends_at: '2030-03-01T23:00:00-03:00', service_type: 'Mágico' }, 422, 'service_type'],
      [
        { ...base, ends_at: '2030-03-01T23:00:00-03:00', staffing: [{ service: 'Inexistente', quantity: 1 }] },
        422,
        'staffing.0.service',
      ],
      [
        { ...base, ends_at: '2030-03-01T23:00:00-03:00', staffing: [{ service: 'DJ', quantity: 0 }] },
        400,
        'staffing.0.quantity',
      ],
      [{ ...base, ends_at: '2030-03-01T23:00:00-03:00', colour: 'red' }, 400, 'colour'],
    ];
    for (const [body, status, field] of cases) {
      const response = await api('POST', '/events', body);
      expect(response.statusCode, `${field}: ${response.body}`).toBe(status);
      expect(JSON.stringify(response.json()), field).toContain(field);
    }
    expect(await countEvents()).toBe(before);
  });

  it('answers 404 for another account’s events, clients, providers and assignments', async () => {
    const theirType = await serviceType('Garçom', otherAccountId);
    const theirClient = await client('Cliente da outra', otherAccountId);
    const theirProvider = await provider([theirType.id], { accountId: otherAccountId });
    const theirEvent = await t.db
      .insertInto('events')
      .values({
        account_id: otherAccountId,
        client_id: theirClient.id,
        service_type_id: null,
        title: 'Evento da outra conta',
        starts_at: '2030-02-01T22:00:00Z',
        ends_at: '2030-02-02T02:00:00Z',
        location: '{}',
        value_cents: null,
        conversation_id: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const theirAssignment = await t.db
      .insertInto('assignments')
      .values({
        account_id: otherAccountId,
        event_id: theirEvent.id,
        provider_id: theirProvider.id,
        service_type_id: theirType.id,
        status: 'assigned',
        starts_at: '2030-02-01T22:00:00Z',
        ends_at: '2030-02-02T02:00:00Z',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const theirService = await api('POST', '/events', {
      title: 'x',
      client_id: (await client()).id,
      ...slot(),
      staffing: [{ service: theirType.id, quantity: 1 }],
    });
    expect(theirService.statusCode, 'another account’s service type is unknown here').toBe(422);

    const mine = await bookEvent();
    const checks: Array<[Method, string, unknown]> = [
      ['GET', `/events/${theirEvent.id}`, undefined],
      ['PATCH', `/events/${theirEvent.id}`, { title: 'invasor' }],
      ['DELETE', `/events/${theirEvent.id}`, undefined],
      ['GET', `/events/${theirEvent.id}/assignments`, undefined],
      ['POST', `/events/${theirEvent.id}/assignments`, { provider_id: theirProvider.id, service: theirType.id }],
      ['DELETE', `/events/${theirEvent.id}/assignments/${theirAssignment.id}`, undefined],
      ['POST', '/events', { title: 'x', client_id: theirClient.id, ...slot() }],
      ['PATCH', `/events/${mine.id}`, { client_id: theirClient.id }],
      ['POST', `/events/${mine.id}/assignments`, { provider_id: theirProvider.id, service: 'DJ' }],
    ];
    for (const [method, url, body] of checks) {
      expect((await api(method, url, body)).statusCode, `${method} ${url}`).toBe(404);
    }
    const listed = (await api('GET', `/events?client_id=${theirClient.id}`)).json();
    expect(listed).toEqual({ meta: { count: 0, current_page: 1 }, payload: [] });
    const untouched = await t.db
      .selectFrom('events')
      .select('title')
      .where('id', '=', theirEvent.id)
      .executeTakeFirstOrThrow();
    expect(untouched.title).toBe('Evento da outra conta');
  });
});

describe('the calendar', () => {
  it('lists the events overlapping [from, to), in start order, with filters', async () => {
    const owner = await client();
    const dj = await serviceType('DJ');
    const book = (title: string, starts_at: string, ends_at: string) =>
      bookEvent({ title, client_id: owner.id, starts_at, ends_at, staffing: [{ service: dj.id, quantity: 1 }] });
    // June 2031 in São Paulo: [2031-06-01T03:00Z, 2031-07-01T03:00Z).
    const crossing = await book('Vira o mês', '2031-05-31T22:00:00-03:00', '2031-06-01T02:00:00-03:00');
    const endsAtFrom = await book('Acaba no início', '2031-05-31T20:00:00-03:00', '2031-06-01T00:00:00-03:00');
    const inside = await book('Meio do mês', '2031-06-14T19:00:00-03:00', '2031-06-14T23:00:00-03:00');
    const startsAtTo = await book('Começa no fim', '2031-07-01T00:00:00-03:00', '2031-07-01T04:00:00-03:00');
    const from = encodeURIComponent('2031-06-01T00:00:00-03:00');
    const to = encodeURIComponent('2031-07-01T00:00:00-03:00');

    const month = (await api('GET', `/events?from=${from}&to=${to}&client_id=${owner.id}`)).json();
    expect(month.meta).toEqual({ count: 2, current_page: 1 });
    expect(month.payload.map((event: { id: number }) => event.id)).toEqual([crossing.id, inside.id]);
    expect(month.payload[0].staffing).toEqual([{ service: dj.name, service_type_id: dj.id, quantity: 1, filled: 0 }]);
    expect([endsAtFrom.id, startsAtTo.id]).not.toContain(month.payload[1].id);

    const paged = (await api('GET', `/events?from=${from}&to=${to}&client_id=${owner.id}&per_page=1&page=2`)).json();
    expect(paged.meta).toEqual({ count: 2, current_page: 2 });
    expect(paged.payload.map((event: { id: number }) => event.id)).toEqual([inside.id]);

    await api('PATCH', `/events/${inside.id}`, { status: 'confirmed' });
    const confirmed = (await api('GET', `/events?client_id=${owner.id}&status=confirmed`)).json();
    expect(confirmed.payload.map((event: { id: number }) => event.id)).toEqual([inside.id]);

    const worker = await provider([dj.id]);
    expect((await assign(startsAtTo.id, worker.id, dj.id)).statusCode).toBe(201);
    const ofProvider = (await api('GET', `/events?provider_id=${worker.id}`)).json();
    expect(ofProvider.payload.map((event: { id: number }) => event.id)).toEqual([startsAtTo.id]);
  });

  it('answers the same page as the screen draws it on GET /events/calendar: client name, staffing, no assignments', async () => {
    const owner = await client();
    const dj = await serviceType('DJ');
    const book = (title: string, starts_at: string, ends_at: string) =>
      bookEvent({
        title,
        client_id: owner.id,
        starts_at,
        ends_at,
        service_type: dj.id,
        value_cents: 150_000,
        staffing: [{ service: dj.id, quantity: 2 }],
      });
    const first = await book('Aniversário', '2032-03-06T19:00:00-03:00', '2032-03-06T23:00:00-03:00');
    const second = await book('Casamento', '2032-03-13T19:00:00-03:00', '2032-03-14T01:00:00-03:00');
    await book('Fora do mês', '2032-04-03T19:00:00-03:00', '2032-04-03T23:00:00-03:00');
    const worker = await provider([dj.id]);
    expect((await assign(second.id, worker.id, dj.id)).statusCode).toBe(201);
    await api('PATCH', `/events/${second.id}`, { status: 'confirmed' });
    const range = `from=${encodeURIComponent('2032-03-01T00:00:00-03:00')}&to=${encodeURIComponent('2032-04-01T00:00:00-03:00')}`;

    const calendar = await api('GET', `/events/calendar?${range}&client_id=${owner.id}`);
    expect(calendar.statusCode).toBe(200);
    const full = (await api('GET', `/events?${range}&client_id=${owner.id}`)).json();
    expect(calendar.json().meta).toEqual(full.meta);
    expect(calendar.json().meta.count).toBe(2);
    const [drawnFirst, drawnSecond] = calendar.json().payload;
    expect(drawnFirst).toEqual({
      id: first.id,
      title: 'Aniversário',
      client_id: owner.id,
      client: { id: owner.id, name: owner.name },
      service_type: { id: dj.id, name: dj.name },
      starts_at: '2032-03-06T22:00:00.000Z',
      ends_at: '2032-03-07T02:00:00.000Z',
      status: 'scheduled',
      value_cents: 150_000,
      staffing: [{ service: dj.name, service_type_id: dj.id, quantity: 2, filled: 0 }],
      updated_at: expect.any(String),
    });
    expect(drawnSecond).toMatchObject({ id: second.id, status: 'confirmed', staffing: [{ quantity: 2, filled: 1 }] });
    expect(drawnSecond).not.toHaveProperty('assignments');

    const paged = (await api('GET', `/events/calendar?${range}&client_id=${owner.id}&per_page=1&page=2`)).json();
    expect(paged.payload.map((event: { id: number }) => event.id)).toEqual([second.id]);
    const ofProvider = (await api('GET', `/events/calendar?provider_id=${worker.id}`)).json();
    expect(ofProvider.payload.map((event: { id: number }) => event.id)).toEqual([second.id]);
    const backwards = await api(
      'GET',
      `/events/calendar?from=${encodeURIComponent('2032-03-02T00:00:00Z')}&to=${encodeURIComponent('2032-03-01T00:00:00Z')}`,
    );
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().details).toEqual([expect.objectContaining({ field: 'to' })]);
  });

  it('refuses a range that ends before it starts, and a time without offset', async () => {
    const backwards = await api(
      'GET',
      `/events?from=${encodeURIComponent('2031-06-02T00:00:00Z')}&to=${encodeURIComponent('2031-06-01T00:00:00Z')}`,
    );
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().details).toEqual([expect.objectContaining({ field: 'to' })]);
    const backwardsExport = await api(
      'GET',
      `/events/export.csv?from=${encodeURIComponent('2031-06-02T00:00:00Z')}&to=${encodeURIComponent('2031-06-01T00:00:00Z')}`,
    );
    expect(backwardsExport.statusCode).toBe(400);
    expect(backwardsExport.json().details).toEqual([expect.objectContaining({ field: 'to' })]);
    const local = await api('GET', '/events?from=2031-06-01T00:00:00');
    expect(local.statusCode).toBe(400);
    expect(local.json().message).toContain('from');
  });

  it('reads the month through events_calendar_idx, however long the range', async () => {
    const plans = await t.db.transaction().execute(async (trx) => {
      // On a small table the planner rightly prefers a sequential scan; forbid it to see the index is usable.
      await sql`SET LOCAL enable_seqscan = off`.execute(trx);
      const explain = async (from: string, to: string) => {
        const query = calendarPageQuery(trx, {
          accountId: 1,
          from: new Date(from),
          to: new Date(to),
          limit: 50,
          offset: 0,
        }).compile();
        const result = await trx.executeQuery<{ 'QUERY PLAN': string }>(
          CompiledQuery.raw(`EXPLAIN ${query.sql}`, [...query.parameters]),
        );
        return result.rows.map((row) => row['QUERY PLAN']).join('\n');
      };
      return [await explain('2031-06-01T03:00Z', '2031-07-01T03:00Z'), await explain('2000-01-01Z', '2100-01-01Z')];
    });
    for (const plan of plans) expect(plan).toMatch(/Index (Only )?Scan using events_calendar_idx/);
  });
});

describe('assignments', () => {
  it('assigns a provider and fills the staffing line', async () => {
    const garcom = await serviceType('Garçom');
    const worker = await provider([garcom.id]);
    const event = await bookEvent({ staffing: [{ service: garcom.name, quantity: 2 }] });
    const response = await assign(event.id, worker.id, garcom.name);
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({
      event_id: event.id,
      provider_id: worker.id,
      provider_name: worker.name,
      service: garcom.name,
      status: 'assigned',
      starts_at: new Date(event.starts_at).toISOString(),
    });
    const detail = (await api('GET', `/events/${event.id}`)).json();
    expect(detail.staffing[0]).toMatchObject({ quantity: 2, filled: 1 });
    expect(detail.assignments).toEqual([
      expect.objectContaining({ provider_id: worker.id, provider_name: worker.name, status: 'assigned' }),
    ]);
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('target_type', '=', 'assignment')
      .where('target_id', '=', String(response.json().id))
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ action: 'assignment.created', details: { after: { provider_id: worker.id } } });
  });

  it('stops double-booking with a 409 naming the other event in São Paulo time', async () => {
    const dj = await serviceType('DJ');
    const worker = await provider([dj.id]);
    const first = await bookEvent({
      title: 'Formatura Souza',
      starts_at: '2030-08-10T19:00:00-03:00',
      ends_at: '2030-08-10T23:00:00-03:00',
      staffing: [{ service: dj.id, quantity: 1 }],
    });
    const second = await bookEvent({
      starts_at: '2030-08-10T22:00:00-03:00',
      ends_at: '2030-08-11T02:00:00-03:00',
      staffing: [{ service: dj.id, quantity: 1 }],
    });
    const backToBack = await bookEvent({
      starts_at: '2030-08-10T23:00:00-03:00',
      ends_at: '2030-08-11T03:00:00-03:00',
      staffing: [{ service: dj.id, quantity: 1 }],
    });
    expect((await assign(first.id, worker.id, dj.id)).statusCode).toBe(201);
    const clash = await assign(second.id, worker.id, dj.id);
    expect(clash.statusCode).toBe(409);
    expect(clash.json()).toMatchObject({ error: 'provider_unavailable', details: { event_id: first.id } });
    expect(clash.json().message).toContain('Formatura Souza');
    expect(clash.json().message).toContain('10/08/2030 19:00');
    expect((await assign(backToBack.id, worker.id, dj.id)).statusCode, 'ends_at is exclusive').toBe(201);
    const again = await assign(first.id, worker.id, dj.id);
    expect(again.json().error).toBe('staffing_full');
  });

  it('refuses inactive providers, providers without the service, and closed events', async () => {
    const garcom = await serviceType('Garçom');
    const dj = await serviceType('DJ');
    const event = await bookEvent({ staffing: [{ service: garcom.id, quantity: 3 }] });
    const inactive = await provider([garcom.id], { active: false });
    const onlyDj = await provider([dj.id]);
    const worker = await provider([garcom.id, dj.id]);

    const refused = await assign(event.id, inactive.id, garcom.id);
    expect([refused.statusCode, refused.json().details]).toEqual([
      422,
      [expect.objectContaining({ field: 'provider_id' })],
    ]);
    const wrongService = await assign(event.id, onlyDj.id, garcom.id);
    expect([wrongService.statusCode, wrongService.json().details]).toEqual([
      422,
      [expect.objectContaining({ field: 'service' })],
    ]);
    const notAsked = await assign(event.id, worker.id, dj.id);
    expect([notAsked.statusCode, notAsked.json().error]).toEqual([409, 'staffing_full']);
    expect((await assign(event.id, 999_999, garcom.id)).statusCode).toBe(404);
    expect((await assign(event.id, worker.id, 'Mágico')).statusCode).toBe(422);
    expect((await assign(999_999, worker.id, garcom.id)).statusCode).toBe(404);

    await api('PATCH', `/events/${event.id}`, { status: 'cancelled' });
    const cancelled = await assign(event.id, worker.id, garcom.id);
    expect([cancelled.statusCode, cancelled.json().details]).toEqual([
      422,
      [expect.objectContaining({ field: 'event_id' })],
    ]);
    const holding = await t.db
      .selectFrom('assignments')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('event_id', '=', event.id)
      .executeTakeFirstOrThrow();
    expect(Number(holding.n)).toBe(0);
  });

  it('withdraws an assignment, keeping it as history and freeing the slot', async () => {
    const garcom = await serviceType('Garçom');
    const [first, second] = [await provider([garcom.id]), await provider([garcom.id])];
    const event = await bookEvent({ staffing: [{ service: garcom.id, quantity: 1 }] });
    const assignment = (await assign(event.id, first.id, garcom.id)).json();
    const withdrawn = await api('DELETE', `/events/${event.id}/assignments/${assignment.id}`);
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    expect(withdrawn.json()).toMatchObject({ id: assignment.id, status: 'withdrawn' });
    expect((await api('DELETE', `/events/${event.id}/assignments/${assignment.id}`)).statusCode).toBe(409);
    expect((await assign(event.id, second.id, garcom.id)).statusCode).toBe(201);
    const listed = (await api('GET', `/events/${event.id}/assignments`)).json().payload;
    expect(listed.map((item: { status: string }) => item.status)).toEqual(['withdrawn', 'assigned']);
    const actions = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('target_type', '=', 'assignment')
      .where('target_id', '=', String(assignment.id))
      .orderBy('id')
      .execute();
    expect(actions.map((row) => row.action)).toEqual(['assignment.created', 'assignment.withdrawn']);
  });
});

describe('races', () => {
  it('lets exactly one of two requests take the last slot', async () => {
    const garcom = await serviceType('Garçom');
    for (let round = 0; round < 10; round++) {
      const event = await bookEvent({ staffing: [{ service: garcom.id, quantity: 1 }] });
      const [a, b] = [await provider([garcom.id]), await provider([garcom.id])];
      const answers = await Promise.all([assign(event.id, a.id, garcom.id), assign(event.id, b.id, garcom.id)]);
      const statuses = answers.map((answer) => answer.statusCode).sort();
      expect(statuses, `round ${round}`).toEqual([201, 409]);
      expect(answers.find((answer) => answer.statusCode === 409)?.json().error).toBe('staffing_full');
      const detail = (await api('GET', `/events/${event.id}`)).json();
      expect(detail.staffing[0].filled).toBe(1);
    }
  });

  it('books one provider on only one of two overlapping events requested at once', async () => {
    const dj = await serviceType('DJ');
    for (let round = 0; round < 10; round++) {
      const times = slot();
      const worker = await provider([dj.id]);
      const [x, y] = [
        await bookEvent({ ...times, staffing: [{ service: dj.id, quantity: 1 }] }),
        await bookEvent({ ...times, staffing: [{ service: dj.id, quantity: 1 }] }),
      ];
      const answers = await Promise.all([assign(x.id, worker.id, dj.id), assign(y.id, worker.id, dj.id)]);
      expect(answers.map((answer) => answer.statusCode).sort(), `round ${round}`).toEqual([201, 409]);
      expect(answers.find((answer) => answer.statusCode === 409)?.json().error).toBe('provider_unavailable');
      const holding = await t.db
        .selectFrom('assignments')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('provider_id', '=', worker.id)
        .where('status', '=', 'assigned')
        .executeTakeFirstOrThrow();
      expect(Number(holding.n)).toBe(1);
    }
  });
});

describe('changing an event', () => {
  it('reschedules with its assignments, and refuses a move into a provider’s other booking', async () => {
    const dj = await serviceType('DJ');
    const worker = await provider([dj.id]);
    const other = await bookEvent({
      title: 'Show no clube',
      starts_at: '2030-09-20T20:00:00-03:00',
      ends_at: '2030-09-20T23:00:00-03:00',
      staffing: [{ service: dj.id, quantity: 1 }],
    });
    const event = await bookEvent({
      starts_at: '2030-09-19T20:00:00-03:00',
      ends_at: '2030-09-19T23:00:00-03:00',
      staffing: [{ service: dj.id, quantity: 1 }],
    });
    await assign(other.id, worker.id, dj.id);
    await assign(event.id, worker.id, dj.id);

    const moved = await api('PATCH', `/events/${event.id}`, {
      starts_at: '2030-09-21T20:00:00-03:00',
      ends_at: '2030-09-21T23:00:00-03:00',
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().assignments[0]).toMatchObject({
      starts_at: '2030-09-21T23:00:00.000Z',
      ends_at: '2030-09-22T02:00:00.000Z',
    });
    expect(
      await eventually(() => published.some((item) => item.name === 'event.rescheduled' && item.data.id === event.id)),
    ).toBe(true);

    const refused = await api('PATCH', `/events/${event.id}`, {
      title: 'Não deve mudar',
      starts_at: '2030-09-20T22:00:00-03:00',
      ends_at: '2030-09-21T01:00:00-03:00',
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ error: 'provider_unavailable', details: { event_id: other.id } });
    expect(refused.json().message).toContain('Show no clube');
    const after = (await api('GET', `/events/${event.id}`)).json();
    expect(after).toMatchObject({ title: event.title, starts_at: '2030-09-21T23:00:00.000Z' });
    expect(after.assignments[0].starts_at).toBe('2030-09-21T23:00:00.000Z');

    const backwards = await api('PATCH', `/events/${event.id}`, { ends_at: '2030-09-21T19:00:00-03:00' });
    expect([backwards.statusCode, backwards.json().details[0].field]).toEqual([422, 'ends_at']);
    const audit = await t.db
      .selectFrom('audit_log')
      .select('details')
      .where('target_type', '=', 'event')
      .where('target_id', '=', String(event.id))
      .where('action', '=', 'event.updated')
      .execute();
    expect(audit).toEqual([
      {
        details: {
          before: { starts_at: '2030-09-19T23:00:00.000Z', ends_at: '2030-09-20T02:00:00.000Z' },
          after: { starts_at: '2030-09-21T23:00:00.000Z', ends_at: '2030-09-22T02:00:00.000Z' },
        },
      },
    ]);
  });

  it('moves through scheduled → confirmed → done and refuses other transitions', async () => {
    const event = await bookEvent();
    const skip = await api('PATCH', `/events/${event.id}`, { status: 'done' });
    expect([skip.statusCode, skip.json().details[0].field]).toEqual([422, 'status']);
    expect((await api('PATCH', `/events/${event.id}`, { status: 'confirmed' })).json().status).toBe('confirmed');
    expect(
      await eventually(() => published.some((item) => item.name === 'event.confirmed' && item.data.id === event.id)),
    ).toBe(true);
    expect((await api('PATCH', `/events/${event.id}`, { status: 'done' })).json().status).toBe('done');
    expect((await api('PATCH', `/events/${event.id}`, { status: 'cancelled' })).statusCode).toBe(422);
    expect((await api('PATCH', `/events/${event.id}`, { starts_at: '2030-01-01T10:00:00Z' })).statusCode).toBe(422);
    expect((await api('PATCH', `/events/${event.id}`, { status: 'bogus' })).statusCode).toBe(400);
  });

  it('cancelling cancels the assignments and frees the providers', async () => {
    const dj = await serviceType('DJ');
    const worker = await provider([dj.id]);
    const times = slot();
    const event = await bookEvent({ ...times, staffing: [{ service: dj.id, quantity: 1 }] });
    const sameTime = await bookEvent({ ...times, staffing: [{ service: dj.id, quantity: 1 }] });
    await assign(event.id, worker.id, dj.id);
    const cancelled = await api('PATCH', `/events/${event.id}`, { status: 'cancelled' });
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', assignments: [{ status: 'cancelled' }] });
    const trail = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('target_type', '=', 'assignment')
      .where('target_id', '=', String(cancelled.json().assignments[0].id))
      .orderBy('id')
      .execute();
    expect(trail.map((row) => row.action)).toEqual(['assignment.created', 'assignment.cancelled']);
    expect(
      await eventually(() => published.some((item) => item.name === 'event.cancelled' && item.data.id === event.id)),
    ).toBe(true);
    expect((await assign(sameTime.id, worker.id, dj.id)).statusCode).toBe(201);
  });

  it('replaces the staffing but never below the places already filled', async () => {
    const garcom = await serviceType('Garçom');
    const dj = await serviceType('DJ');
    const worker = await provider([garcom.id]);
    const event = await bookEvent({ staffing: [{ service: garcom.id, quantity: 2 }] });
    await assign(event.id, worker.id, garcom.id);
    const dropped = await api('PATCH', `/events/${event.id}`, { staffing: [{ service: dj.id, quantity: 1 }] });
    expect([dropped.statusCode, dropped.json().details[0].field]).toEqual([409, 'staffing']);
    const replaced = await api('PATCH', `/events/${event.id}`, {
      staffing: [
        { service: garcom.id, quantity: 1 },
        { service: dj.name, quantity: 2 },
      ],
    });
    expect(replaced.statusCode, replaced.body).toBe(200);
    expect(replaced.json().staffing).toEqual([
      { service: garcom.name, service_type_id: garcom.id, quantity: 1, filled: 1 },
      { service: dj.name, service_type_id: dj.id, quantity: 2, filled: 0 },
    ]);
  });
});

describe('deleting an event', () => {
  it('deletes an event without history; with any assignment it must be cancelled instead', async () => {
    const garcom = await serviceType('Garçom');
    const fresh = await bookEvent();
    const email = `agente-${process.pid}-${Date.now()}@example.com`;
    const user = await t.app.services.users.createUser({
      name: 'Agente',
      email,
      passwordHash: await hashPassword('senha-do-agente-1'),
    });
    await t.app.services.users.addMembership({ accountId: 1, userId: user.id, role: 'agent' });
    const agent = await t.signIn(email, 'senha-do-agente-1');
    expect((await api('DELETE', `/events/${fresh.id}`, undefined, agent.tokenHeaders)).statusCode).toBe(403);
    expect((await api('PATCH', `/events/${fresh.id}`, { notes: 'agente edita' }, agent.tokenHeaders)).statusCode).toBe(
      200,
    );

    expect((await api('DELETE', `/events/${fresh.id}`)).statusCode).toBe(200);
    expect((await api('GET', `/events/${fresh.id}`)).statusCode).toBe(404);

    const used = await bookEvent({ staffing: [{ service: garcom.id, quantity: 1 }] });
    const assignment = (await assign(used.id, (await provider([garcom.id])).id, garcom.id)).json();
    await api('DELETE', `/events/${used.id}/assignments/${assignment.id}`);
    const refused = await api('DELETE', `/events/${used.id}`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().message).toMatch(/cancele/);
    expect((await api('GET', `/events/${used.id}`)).statusCode).toBe(200);

    const planned = await bookEvent();
    await t.db
      .insertInto('activities')
      .values({ account_id: 1, kind: 'task', title: 'Ligar para confirmar', event_id: planned.id })
      .execute();
    expect((await api('DELETE', `/events/${planned.id}`)).statusCode).toBe(409);
  });
});

describe('export and realtime', () => {
  it('exports the calendar as CSV for Excel: BOM, semicolons, São Paulo times, reais and staffing', async () => {
    const garcom = await serviceType('Garçom');
    const owner = await client('Ana; Souza');
    const event = await bookEvent({
      title: 'Bodas "de ouro"',
      client_id: owner.id,
      starts_at: '2032-02-14T20:00:00-03:00',
      ends_at: '2032-02-15T01:30:00-03:00',
      value_cents: 123_456,
      location: { address: 'Av. Paulista', number: '1000', city: 'São Paulo', state: 'SP' },
      staffing: [{ service: garcom.id, quantity: 2 }],
    });
    await assign(event.id, (await provider([garcom.id])).id, garcom.id);
    const response = await api('GET', `/events/export.csv?client_id=${owner.id}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.body.startsWith('\uFEFF')).toBe(true);
    const lines = response.body.slice(1).split('\r\n');
    expect(lines[0]).toBe('id;título;cliente;início;fim;status;local;valor (R$);vagas');
    expect(lines[1]).toBe(
      `${event.id};"Bodas ""de ouro""";"Ana; Souza";14/02/2032 20:00;15/02/2032 01:30;agendado;Av. Paulista, 1000 - São Paulo/SP;1234,56;${garcom.name}:1/2`,
    );
    expect(lines).toHaveLength(3);
  });

  it('serves the calendar on GET /events whatever the client accepts; the realtime stream lives on /realtime', async () => {
    const address = await t.app.server.listen({ port: 0, host: '127.0.0.1' });
    const calendar = await fetch(`${address}/api/v1/accounts/1/events?per_page=1`, {
      headers: { ...admin.tokenHeaders, accept: 'text/event-stream, application/json' },
    });
    expect(calendar.headers.get('content-type')).toContain('application/json');
    expect(await calendar.json()).toMatchObject({ meta: { current_page: 1 } });
    const controller = new AbortController();
    const stream = await fetch(`${address}/api/v1/accounts/1/realtime`, {
      headers: { ...admin.tokenHeaders, accept: 'text/event-stream' },
      signal: controller.signal,
    });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    controller.abort();
  });

  it('documents the calendar, booking and assignment routes in OpenAPI', async () => {
    const spec = (await t.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const events = '/api/v1/accounts/{account_id}/events';
    expect(spec.paths[events].get.tags).toEqual(['CRM: eventos']);
    expect(spec.paths[events].post.responses).toHaveProperty('201');
    expect(spec.paths[`${events}/{event_id}`].patch.responses).toHaveProperty('409');
    expect(spec.paths[`${events}/{event_id}/assignments`].post.responses).toHaveProperty('409');
    expect(spec.paths[`${events}/export.csv`]).toHaveProperty('get');
    const calendar = spec.paths[`${events}/calendar`].get.responses['200'].content['application/json'].schema;
    expect(JSON.stringify(calendar)).toContain('EventSummary');
  });
});
