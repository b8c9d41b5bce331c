import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/accounts/password.js';
import { MAX_CSV_BYTES } from '../../src/crm/csv.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let admin: Awaited<ReturnType<TestApp['signIn']>>;
let agent: Awaited<ReturnType<TestApp['signIn']>>;
let otherAccountId: number;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.signIn();
  const user = await t.app.services.users.createUser({
    name: 'Agente CRM',
    email: 'agente-crm@example.com',
    passwordHash: await hashPassword('senha-do-agente-1'),
  });
  await t.app.services.users.addMembership({ accountId: 1, userId: user.id, role: 'agent', availability: 'available' });
  agent = await t.signIn('agente-crm@example.com', 'senha-do-agente-1');
  const other = await t.app.services.users.createAccount('Concorrente');
  otherAccountId = other.id;
  await t.app.services.users.addMembership({ accountId: other.id, userId: admin.user.id, role: 'administrator' });
  t.app.services.memberships.forget(admin.user.id);
});
afterAll(async () => {
  await t.close();
});

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
const api = (method: Method, url: string, payload?: unknown, options: { as?: typeof admin; account?: number } = {}) =>
  t.inject({
    method,
    url: `/api/v1/accounts/${options.account ?? 1}${url}`,
    headers: (options.as ?? admin).tokenHeaders,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

let sequence = 0;
/** A Brazilian mobile nobody else in this file uses: [with the 9th digit, without it]. */
function mobile(): [string, string] {
  sequence++;
  const subscriber = `8${String(process.pid % 1000).padStart(3, '0')}${String(sequence).padStart(4, '0')}`;
  return [`+55119${subscriber}`, `+5511${subscriber}`];
}

/** A valid CPF (check digits computed here, independently of src/crm/documents.ts). */
function cpf(): string {
  sequence++;
  const base = `${String(process.pid % 1000).padStart(3, '0')}${String(sequence).padStart(6, '0')}`;
  const digit = (digits: string, start: number) => {
    const sum = [...digits].reduce((total, char, index) => total + Number(char) * (start - index), 0);
    const remainder = sum % 11;
    return remainder < 2 ? 0 : 11 - remainder;
  };
  const first = digit(base, 10);
  return `${base}${first}${digit(`${base}${first}`, 11)}`;
}

/** Rows of account 1. */
const count = async (table: 'contacts' | 'clients' | 'providers' | 'service_types') =>
  Number(
    (
      await t.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .where('account_id', '=', 1)
        .executeTakeFirstOrThrow()
    ).n,
  );

const audits = (action: string, targetId: number) =>
  t.db
    .selectFrom('audit_log')
    .selectAll()
    .where('action', '=', action)
    .where('target_id', '=', String(targetId))
    .orderBy('id')
    .execute();

async function createClient(body: Record<string, unknown>) {
  const response = await api('POST', '/clients', body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { id: number; contact_id: number; phone_number: string; name: string };
}

async function serviceType(name: string): Promise<{ id: number; name: string }> {
  const response = await api('POST', '/service_types', { name });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

async function createProvider(body: Record<string, unknown>) {
  const response = await api('POST', '/providers', body);
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { id: number; contact_id: number; services: Array<{ id: number; name: string }> };
}

/** An event and, optionally, an assignment on it, written directly (the events API is tested elsewhere). */
async function bookEvent(clientId: number, startsAt: string, endsAt: string) {
  return t.db
    .insertInto('events')
    .values({
      account_id: 1,
      client_id: clientId,
      title: `Evento ${++sequence}`,
      starts_at: startsAt,
      ends_at: endsAt,
      location: '{}',
    })
    .returning(['id', 'starts_at', 'ends_at'])
    .executeTakeFirstOrThrow();
}

async function assign(
  event: { id: number; starts_at: Date; ends_at: Date },
  providerId: number,
  serviceTypeId: number,
  status: 'assigned' | 'accepted' | 'declined' | 'offered',
) {
  await t.db
    .insertInto('assignments')
    .values({
      account_id: 1,
      event_id: event.id,
      provider_id: providerId,
      service_type_id: serviceTypeId,
      status,
      starts_at: event.starts_at,
      ends_at: event.ends_at,
    })
    .execute();
}

function csvForm(fileName: string, bytes: Buffer) {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type: 'text/csv' }), fileName);
  return new Response(form);
}

async function upload(url: string, bytes: Buffer, as: 'multipart' | 'text/csv' = 'text/csv') {
  if (as === 'text/csv') {
    return t.inject({
      method: 'POST',
      url: `/api/v1/accounts/1${url}`,
      headers: { ...admin.tokenHeaders, 'content-type': 'text/csv' },
      payload: bytes,
    });
  }
  const encoded = csvForm('planilha.csv', bytes);
  return t.inject({
    method: 'POST',
    url: `/api/v1/accounts/1${url}`,
    headers: { ...admin.tokenHeaders, 'content-type': encoded.headers.get('content-type') ?? '' },
    payload: Buffer.from(await encoded.arrayBuffer()),
  });
}

describe('service types', () => {
  it('creates, lists and renames; names are unique ignoring case (422) and required (400)', async () => {
    const dj = await serviceType('DJ Teste');
    expect(dj).toMatchObject({ id: expect.any(Number), name: 'DJ Teste' });
    const duplicate = await api('POST', '/service_types', { name: 'dj teste' });
    expect(duplicate.statusCode).toBe(422);
    expect(duplicate.json().details[0]).toMatchObject({ field: 'name', id: dj.id });
    expect((await api('POST', '/service_types', { name: '  ' })).statusCode).toBe(400);
    const renamed = await api('PATCH', `/service_types/${dj.id}`, { name: 'DJ e Som' });
    expect(renamed.json()).toMatchObject({ id: dj.id, name: 'DJ e Som' });
    const list = (await api('GET', '/service_types')).json();
    expect(list.meta).toEqual({ count: list.payload.length, current_page: 1 });
    expect(list.payload).toContainEqual(expect.objectContaining({ id: dj.id, name: 'DJ e Som' }));
    expect(await audits('service_type.updated', dj.id)).toHaveLength(1);
  });

  it('refuses deleting a type an event’s staffing uses (409); agents may not delete (403)', async () => {
    const used = await serviceType('Montagem Teste');
    const free = await serviceType('Recepção Teste');
    const client = await createClient({ name: 'Cliente Staffing', phone_number: mobile()[0] });
    const event = await bookEvent(client.id, '2031-01-10T19:00:00Z', '2031-01-10T23:00:00Z');
    await t.db
      .insertInto('event_staffing')
      .values({ account_id: 1, event_id: event.id, service_type_id: used.id, quantity: 2 })
      .execute();
    const inUse = await api('DELETE', `/service_types/${used.id}`);
    expect(inUse.statusCode).toBe(409);
    expect(inUse.json().message).toContain('Montagem Teste');
    expect((await api('DELETE', `/service_types/${free.id}`, undefined, { as: agent })).statusCode).toBe(403);
    expect((await api('DELETE', `/service_types/${free.id}`)).statusCode).toBe(204);
    expect((await api('PATCH', `/service_types/${free.id}`, { name: 'x' })).statusCode).toBe(404);
  });

  it('lets exactly one of two racing requests create the same name', async () => {
    for (let round = 0; round < 4; round++) {
      const name = `Corrida ${round}`;
      const answers = await Promise.all([
        api('POST', '/service_types', { name }),
        api('POST', '/service_types', { name: name.toUpperCase() }),
      ]);
      expect(answers.map((answer) => answer.statusCode).sort()).toEqual([201, 422]);
    }
  });
});

describe('clients', () => {
  it('creates a client on a new contact, with the document normalised and an audit entry', async () => {
    const [phone] = mobile();
    const document = cpf();
    const created = await api('POST', '/clients', {
      name: 'Ana Lima',
      phone_number: `(11) ${phone.slice(5, 10)}-${phone.slice(10)}`,
      email: 'Ana.Lima@Example.com',
      document: `${document.slice(0, 3)}.${document.slice(3, 6)}.${document.slice(6, 9)}-${document.slice(9)}`,
      address: { street: 'Rua das Flores', number: '10', city: 'São Paulo', state: 'SP', zip: '01000-000' },
      notes: 'prefere WhatsApp',
    });
    expect(created.statusCode, created.body).toBe(201);
    const client = created.json();
    expect(client).toMatchObject({
      id: expect.any(Number),
      contact_id: expect.any(Number),
      name: 'Ana Lima',
      phone_number: phone,
      email: 'ana.lima@example.com',
      document,
      document_kind: 'cpf',
      address: { street: 'Rua das Flores', number: '10', city: 'São Paulo', state: 'SP', zip: '01000-000' },
      notes: 'prefere WhatsApp',
    });
    expect(client.created_at).toMatch(/Z$/);
    expect((await api('GET', `/clients/${client.id}`)).json()).toEqual(client);
    const [entry] = await audits('client.created', client.id);
    expect(entry).toMatchObject({
      actor_user_id: admin.user.id,
      target_type: 'client',
      details: { after: { name: 'Ana Lima', document, phone_number: phone }, linked_existing_contact: false },
    });
  });

  it('links an existing contact with the same phone in the other 9th-digit form, or the same e-mail', async () => {
    const [phone, oldForm] = mobile();
    const contact = (await api('POST', '/contacts', { name: 'Perfil Antigo', phone_number: oldForm })).json().payload
      .contact;
    const contactsBefore = await count('contacts');
    const client = await createClient({ name: 'Bruno Souza', phone_number: phone });
    expect(client.contact_id).toBe(contact.id);
    expect(await count('contacts')).toBe(contactsBefore);
    expect((await api('GET', `/contacts/${contact.id}`)).json().payload.name).toBe('Bruno Souza');

    const byEmail = (await api('POST', '/contacts', { name: 'Só e-mail', email: 'carla@example.com' })).json().payload
      .contact;
    const carla = await createClient({ name: 'Carla', phone_number: mobile()[0], email: 'CARLA@example.com' });
    expect(carla.contact_id).toBe(byEmail.id);

    // A blank e-mail on the form means "not given": the linked contact keeps its own.
    const [keeperPhone] = mobile();
    const keeper = (
      await api('POST', '/contacts', { name: 'Com e-mail', phone_number: keeperPhone, email: 'keep@example.com' })
    ).json().payload.contact;
    const linked = await api('POST', '/clients', {
      name: 'Com e-mail',
      phone_number: keeperPhone,
      email: null,
      document: '',
    });
    expect(linked.json()).toMatchObject({ contact_id: keeper.id, email: 'keep@example.com' });
  });

  it('answers 409 naming the client when that person already is one', async () => {
    const [phone, oldForm] = mobile();
    const first = await createClient({ name: 'Duda', phone_number: phone });
    const again = await api('POST', '/clients', { name: 'Duda de novo', phone_number: oldForm });
    expect(again.statusCode).toBe(409);
    expect(again.json().details[0]).toMatchObject({ client_id: first.id });
    expect((await api('GET', `/clients/${first.id}`)).json().name).toBe('Duda');
  });

  it('accepts the alphanumeric CNPJ and refuses wrong check digits, letters in a CPF and non-numbers as phones', async () => {
    const company = await createClient({
      name: 'Empresa Nova',
      phone_number: mobile()[0],
      document: '12.abc.345/01de-35',
    });
    expect(company).toMatchObject({ document: '12ABC34501DE35', document_kind: 'cnpj' });

    const before = { contacts: await count('contacts'), clients: await count('clients') };
    const bad: Array<[Record<string, unknown>, number, string]> = [
      [{ name: 'X', phone_number: mobile()[0], document: '123.456.789-00' }, 422, 'document'],
      [{ name: 'X', phone_number: mobile()[0], document: '12.ABC.345/01DE-36' }, 422, 'document'],
      [{ name: 'X', phone_number: mobile()[0], document: '11.222.333/0001-8A' }, 422, 'document'],
      [{ name: 'X', phone_number: 'não é telefone' }, 422, 'phone_number'],
      [{ name: 'X', phone_number: '12' }, 422, 'phone_number'],
      [{ name: 'X', phone_number: mobile()[0], email: 'sem-arroba' }, 422, 'email'],
      [{ phone_number: mobile()[0] }, 400, 'name'],
      [{ name: 'X', phone_number: mobile()[0], address: { planet: 'Marte' } }, 400, 'address.planet'],
    ];
    for (const [body, status, field] of bad) {
      const response = await api('POST', '/clients', body);
      expect(response.statusCode, JSON.stringify(body)).toBe(status);
      expect(response.json().details.map((detail: { field: string }) => detail.field)).toContain(field);
    }
    const taken = await api('POST', '/clients', {
      name: 'Outra',
      phone_number: mobile()[0],
      document: '12ABC34501DE35',
    });
    expect(taken.statusCode).toBe(409);
    expect(await count('contacts')).toBe(before.contacts);
    expect(await count('clients')).toBe(before.clients);
  });

  it('searches by name, either phone form, e-mail and document, 25 a page', async () => {
    const [phone, oldForm] = mobile();
    const document = cpf();
    const client = await createClient({
      name: 'Gilberto Pesquisável',
      phone_number: phone,
      email: 'gilberto@busca.test',
      document,
    });
    const formatted = `${document.slice(0, 3)}.${document.slice(3, 6)}.${document.slice(6, 9)}-${document.slice(9)}`;
    for (const q of ['pesquisável', oldForm, phone.slice(3), 'gilberto@busca', formatted]) {
      const body = (await api('GET', `/clients?q=${encodeURIComponent(q)}`)).json();
      expect(
        body.payload.map((row: { id: number }) => row.id),
        q,
      ).toEqual([client.id]);
      expect(body.meta).toEqual({ count: 1, current_page: 1 });
    }
    // Beginnings, not middles (what the indexes find on a million contacts).
    expect((await api('GET', `/clients?q=${encodeURIComponent('esquisável')}`)).json().meta.count).toBe(0);
    const all = (await api('GET', '/clients?page=1')).json();
    expect(all.meta.count).toBe(await count('clients'));
    expect(all.payload[0].id).toBe(client.id);
    expect((await api('GET', '/clients?page=0')).statusCode).toBe(400);
  });

  it('finds a client by the first digits of the phone as people type them, with or without the 9', async () => {
    const subscriber = `7${String(process.pid).padStart(7, '0').slice(-7)}`;
    const client = await createClient({ name: 'Telefone Parcial', phone_number: `+55479${subscriber}` });
    for (const q of [
      `(47) 9${subscriber.slice(0, 4)}`,
      `47 ${subscriber.slice(0, 4)}`,
      `+55 47 9${subscriber.slice(0, 2)}`,
    ]) {
      const body = (await api('GET', `/clients?q=${encodeURIComponent(q)}`)).json();
      expect(
        body.payload.map((row: { id: number }) => row.id),
        q,
      ).toEqual([client.id]);
    }
  });

  it('updates person and profile fields, auditing only what changed; a bad value changes nothing', async () => {
    const client = await createClient({
      name: 'Helena',
      phone_number: mobile()[0],
      address: { city: 'Santos', street: 'Av. Praia' },
    });
    const updated = await api('PATCH', `/clients/${client.id}`, {
      email: 'helena@example.com',
      address: { city: 'Guarujá', street: '' },
      notes: 'cliente VIP',
    });
    expect(updated.statusCode, updated.body).toBe(200);
    expect(updated.json()).toMatchObject({
      name: 'Helena',
      email: 'helena@example.com',
      address: { city: 'Guarujá' },
      notes: 'cliente VIP',
    });
    expect(updated.json().address).not.toHaveProperty('street');
    const [entry] = await audits('client.updated', client.id);
    expect(entry?.details).toEqual({
      before: { email: null, address: { city: 'Santos', street: 'Av. Praia' }, notes: '' },
      after: { email: 'helena@example.com', address: { city: 'Guarujá' }, notes: 'cliente VIP' },
    });
    const bad = await api('PATCH', `/clients/${client.id}`, { notes: 'não grava', document: '111.111.111-11' });
    expect(bad.statusCode).toBe(422);
    expect((await api('GET', `/clients/${client.id}`)).json().notes).toBe('cliente VIP');
    expect((await api('PATCH', '/clients/999999', { notes: 'x' })).statusCode).toBe(404);
  });

  it('deletes a client without events (administrators only) and keeps one with events (409)', async () => {
    const client = await createClient({ name: 'Ivo', phone_number: mobile()[0] });
    expect((await api('DELETE', `/clients/${client.id}`, undefined, { as: agent })).statusCode).toBe(403);
    expect((await api('DELETE', `/clients/${client.id}`)).statusCode).toBe(204);
    expect((await api('GET', `/clients/${client.id}`)).statusCode).toBe(404);
    expect((await api('GET', `/contacts/${client.contact_id}`)).statusCode).toBe(200);
    expect(await audits('client.deleted', client.id)).toHaveLength(1);

    const booked = await createClient({ name: 'Joana', phone_number: mobile()[0] });
    await bookEvent(booked.id, '2031-02-01T19:00:00Z', '2031-02-01T23:00:00Z');
    const refused = await api('DELETE', `/clients/${booked.id}`);
    expect(refused.statusCode).toBe(409);
    expect((await api('GET', `/clients/${booked.id}`)).statusCode).toBe(200);
  });

  it('answers 404 for another account’s clients on every route and never lists them', async () => {
    const mine = await createClient({ name: 'Só da conta 1', phone_number: mobile()[0] });
    const theirs = await api(
      'POST',
      '/clients',
      { name: 'Da outra', phone_number: mobile()[0] },
      { account: otherAccountId },
    );
    expect(theirs.statusCode).toBe(201);
    for (const [method, body] of [
      ['GET', undefined],
      ['PATCH', { notes: 'invasão' }],
      ['DELETE', undefined],
    ] as Array<[Method, unknown]>) {
      const response = await api(method, `/clients/${mine.id}`, body, { account: otherAccountId });
      expect(response.statusCode, method).toBe(404);
    }
    const list = (await api('GET', '/clients?q=Da%20outra')).json();
    expect(list.payload).toEqual([]);
    expect((await api('GET', `/clients/${theirs.json().id}`)).statusCode).toBe(404);
  });

  it('lets exactly one of two racing requests make a new person a client', async () => {
    for (let round = 0; round < 4; round++) {
      const [phone, oldForm] = mobile();
      const contactsBefore = await count('contacts');
      const answers = await Promise.all([
        api('POST', '/clients', { name: `Corrida ${round}`, phone_number: phone }),
        api('POST', '/clients', { name: `Corrida ${round}`, phone_number: oldForm }),
      ]);
      expect(answers.map((answer) => answer.statusCode).sort()).toEqual([201, 409]);
      expect(await count('contacts')).toBe(contactsBefore + 1);
    }
  });
});

describe('providers', () => {
  let garcom: { id: number; name: string };
  let dj: { id: number; name: string };
  beforeAll(async () => {
    garcom = await serviceType('Garçom');
    dj = await serviceType('DJ');
  });

  it('creates a provider with services by name or id and regions; unknown services are 422, nothing written', async () => {
    const created = await api('POST', '/providers', {
      name: 'Kleber Garçom',
      phone_number: mobile()[0],
      services: ['garçom', dj.id],
      regions: ['São Paulo', 'ABC', 'são paulo'],
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({
      name: 'Kleber Garçom',
      services: [
        { id: dj.id, name: 'DJ' },
        { id: garcom.id, name: 'Garçom' },
      ],
      regions: ['São Paulo', 'ABC'],
      active: true,
      rating: null,
    });
    expect(await audits('provider.created', created.json().id)).toHaveLength(1);

    const before = { contacts: await count('contacts'), providers: await count('providers') };
    const unknown = await api('POST', '/providers', {
      name: 'Leo',
      phone_number: mobile()[0],
      services: ['Garçom', 'Mágico', 987654],
    });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().message).toContain('Mágico');
    expect(unknown.json().details).toEqual([
      { field: 'services', message: 'tipo de serviço desconhecido', value: 'Mágico' },
      { field: 'services', message: 'tipo de serviço desconhecido', value: '987654' },
    ]);
    expect(await count('contacts')).toBe(before.contacts);
    expect(await count('providers')).toBe(before.providers);
  });

  it('puts the client and the provider profiles of one person on the same contact', async () => {
    const [phone, oldForm] = mobile();
    const client = await createClient({ name: 'Marcos', phone_number: phone });
    const provider = await createProvider({ name: 'Marcos', phone_number: oldForm, services: ['DJ'] });
    expect(provider.contact_id).toBe(client.contact_id);
    const again = await api('POST', '/providers', { name: 'Marcos', phone_number: phone });
    expect(again.statusCode).toBe(409);
    expect(again.json().details[0]).toMatchObject({ provider_id: provider.id });
  });

  it('finds one person’s client and provider profiles by contact_id (none for others; not across accounts)', async () => {
    const [phone] = mobile();
    const client = await createClient({ name: 'Paula Perfil', phone_number: phone });
    const provider = await createProvider({ name: 'Paula Perfil', phone_number: phone, services: ['DJ'] });
    await api('PATCH', `/providers/${provider.id}`, { active: false });
    const loner = await createClient({ name: 'Só Cliente', phone_number: mobile()[0] });

    const clients = await api('GET', `/clients?contact_id=${client.contact_id}`);
    expect(clients.statusCode, clients.body).toBe(200);
    expect(clients.json()).toMatchObject({ meta: { count: 1 }, payload: [{ id: client.id }] });
    // No active filter given: an inactive provider is still that contact's profile.
    const providers = await api('GET', `/providers?contact_id=${client.contact_id}`);
    expect(providers.json()).toMatchObject({ meta: { count: 1 }, payload: [{ id: provider.id, active: false }] });
    const none = await api('GET', `/providers?contact_id=${loner.contact_id}`);
    expect(none.json()).toMatchObject({ meta: { count: 0 }, payload: [] });
    const elsewhere = await api('GET', `/clients?contact_id=${client.contact_id}`, undefined, {
      account: otherAccountId,
    });
    expect(elsewhere.json()).toMatchObject({ meta: { count: 0 }, payload: [] });
    const bad = await api('GET', '/clients?contact_id=abc');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('contact_id');
  });

  it('filters by service, region, active and availability (assigned or accepted assignments overlapping)', async () => {
    const region = `Região ${++sequence}`;
    const busy = await createProvider({
      name: 'Ocupado',
      phone_number: mobile()[0],
      services: ['Garçom'],
      regions: [region],
    });
    const declined = await createProvider({
      name: 'Recusou',
      phone_number: mobile()[0],
      services: ['Garçom'],
      regions: [region],
    });
    const free = await createProvider({
      name: 'Livre',
      phone_number: mobile()[0],
      services: ['Garçom'],
      regions: [region],
    });
    const djOnly = await createProvider({
      name: 'Só DJ',
      phone_number: mobile()[0],
      services: ['DJ'],
      regions: [region],
    });
    const inactive = await createProvider({
      name: 'Inativo',
      phone_number: mobile()[0],
      services: ['Garçom'],
      regions: [region],
      active: false,
    });
    const client = await createClient({ name: 'Festa', phone_number: mobile()[0] });
    const saturday = await bookEvent(client.id, '2031-03-08T22:00:00Z', '2031-03-09T02:00:00Z');
    await assign(saturday, busy.id, garcom.id, 'assigned');
    await assign(saturday, declined.id, garcom.id, 'declined');
    const earlier = await bookEvent(client.id, '2031-03-08T14:00:00Z', '2031-03-08T19:00:00Z');
    await assign(earlier, free.id, garcom.id, 'accepted');

    const ids = async (query: string) => {
      const response = await api('GET', `/providers?region=${encodeURIComponent(region)}&${query}`);
      expect(response.statusCode, response.body).toBe(200);
      return response
        .json()
        .payload.map((provider: { id: number }) => provider.id)
        .sort((a: number, b: number) => a - b);
    };
    const sorted = (...list: number[]) => list.sort((a, b) => a - b);
    expect(await ids('service=gar%C3%A7om')).toEqual(sorted(busy.id, declined.id, free.id, inactive.id));
    expect(await ids(`service=${dj.id}&active=true`)).toEqual([djOnly.id]);
    expect(await ids('active=false')).toEqual([inactive.id]);
    const window = `available_from=${encodeURIComponent('2031-03-08T20:00:00-03:00')}&available_to=${encodeURIComponent('2031-03-09T00:00:00-03:00')}`;
    expect(await ids(`service=Gar%C3%A7om&active=true&${window}`)).toEqual(sorted(declined.id, free.id));
    // Back to back is not an overlap: [19:00Z, 22:00Z) fits between the 14:00–19:00Z and 22:00Z–02:00Z bookings.
    const touching = 'available_from=2031-03-08T19:00:00Z&available_to=2031-03-08T22:00:00Z';
    expect(await ids(`service=Gar%C3%A7om&active=true&${touching}`)).toEqual(sorted(busy.id, declined.id, free.id));

    const half = await api('GET', '/providers?available_from=2031-03-08T20:00:00Z');
    expect(half.statusCode).toBe(400);
    expect(half.json().details[0].field).toBe('available_to');
    const backwards = await api(
      'GET',
      '/providers?available_from=2031-03-09T20:00:00Z&available_to=2031-03-08T20:00:00Z',
    );
    expect(backwards.statusCode).toBe(400);
    expect((await api('GET', '/providers?available_from=amanhã&available_to=depois')).statusCode).toBe(400);
    const unknownService = await api('GET', '/providers?service=Astronauta');
    expect(unknownService.statusCode).toBe(422);
    expect(unknownService.json().message).toContain('Astronauta');
  });

  it('shows upcoming assignments and the acceptance history', async () => {
    const provider = await createProvider({ name: 'Nina', phone_number: mobile()[0], services: ['Garçom'] });
    const client = await createClient({ name: 'Cliente da Nina', phone_number: mobile()[0] });
    const future = await bookEvent(client.id, '2032-05-01T19:00:00Z', '2032-05-01T23:00:00Z');
    const past = await bookEvent(client.id, '2020-05-01T19:00:00Z', '2020-05-01T23:00:00Z');
    await assign(future, provider.id, garcom.id, 'accepted');
    await assign(past, provider.id, garcom.id, 'accepted');
    await assign(past, provider.id, garcom.id, 'declined');
    const shown = (await api('GET', `/providers/${provider.id}`)).json();
    expect(shown.upcoming_assignments).toEqual([
      expect.objectContaining({
        event_id: future.id,
        service: { id: garcom.id, name: 'Garçom' },
        status: 'accepted',
        starts_at: '2032-05-01T19:00:00.000Z',
      }),
    ]);
    expect(shown.assignment_counts).toMatchObject({ accepted: 2, declined: 1, assigned: 0 });
    expect(shown.acceptance_rate).toBeCloseTo(0.667, 3);
  });

  it('replaces services and regions on update, audits the change, and deletes only providers without history', async () => {
    const provider = await createProvider({
      name: 'Otto',
      phone_number: mobile()[0],
      services: ['DJ'],
      regions: ['Centro'],
    });
    const updated = await api('PATCH', `/providers/${provider.id}`, { services: ['Garçom'], active: false });
    expect(updated.statusCode, updated.body).toBe(200);
    expect(updated.json()).toMatchObject({ services: [{ id: garcom.id }], regions: ['Centro'], active: false });
    const [entry] = await audits('provider.updated', provider.id);
    expect(entry?.details).toMatchObject({
      before: { services: ['DJ'], active: true },
      after: { services: ['Garçom'], active: false },
    });
    expect((await api('PATCH', `/providers/${provider.id}`, { services: ['Nada'] })).statusCode).toBe(422);
    expect((await api('PATCH', `/providers/${provider.id}`, { phone_number: 'abc' })).statusCode).toBe(422);

    const client = await createClient({ name: 'Evento do Otto', phone_number: mobile()[0] });
    await assign(
      await bookEvent(client.id, '2031-06-01T19:00:00Z', '2031-06-01T23:00:00Z'),
      provider.id,
      garcom.id,
      'offered',
    );
    expect((await api('DELETE', `/providers/${provider.id}`)).statusCode).toBe(409);
    const fresh = await createProvider({ name: 'Paula', phone_number: mobile()[0] });
    expect((await api('DELETE', `/providers/${fresh.id}`, undefined, { as: agent })).statusCode).toBe(403);
    expect((await api('DELETE', `/providers/${fresh.id}`)).statusCode).toBe(204);
    expect(await audits('provider.deleted', fresh.id)).toHaveLength(1);
  });

  it('answers 404 for another account’s providers', async () => {
    const provider = await createProvider({ name: 'Quitéria', phone_number: mobile()[0] });
    for (const [method, body] of [
      ['GET', undefined],
      ['PATCH', { notes: 'x' }],
      ['DELETE', undefined],
    ] as Array<[Method, unknown]>) {
      expect((await api(method, `/providers/${provider.id}`, body, { account: otherAccountId })).statusCode).toBe(404);
    }
    expect(
      (await api('GET', '/providers?q=Quit%C3%A9ria', undefined, { account: otherAccountId })).json().payload,
    ).toEqual([]);
  });
});

describe('CSV import and export', () => {
  it('imports a Latin-1 file with `;` and pt-BR headers: valid rows saved, invalid ones reported by row', async () => {
    const [newPhone] = mobile();
    const [existingPhone, existingOld] = mobile();
    const existing = await createClient({ name: 'Rui Existente', phone_number: existingPhone });
    const document = cpf();
    const text = [
      'Nome;Telefone;E-mail;Documento;Cidade;Observações',
      `Sônia Importada;${newPhone};sonia@import.test;${document};São Paulo;"veio da planilha; antiga"`,
      `Rui Existente;${existingOld};;;Campinas;`,
      'Tiago Sem Telefone;;;;;',
      `Úrsula CPF Errado;${mobile()[0]};;123.456.789-00;;`,
      'Vera;telefone?;;;;',
    ].join('\r\n');
    const before = await count('contacts');
    const response = await upload('/clients/import', Buffer.from(text, 'latin1'));
    expect(response.statusCode, response.body).toBe(200);
    const result = response.json();
    expect(result).toMatchObject({ imported: 1, updated: 1 });
    expect(result.errors).toEqual([
      expect.objectContaining({ row: 4, field: 'phone_number' }),
      expect.objectContaining({ row: 5, field: 'document' }),
      expect.objectContaining({ row: 6, field: 'phone_number' }),
    ]);
    expect(await count('contacts')).toBe(before + 1);
    const sonia = (await api('GET', `/clients?q=${encodeURIComponent('sonia@import.test')}`)).json().payload[0];
    expect(sonia).toMatchObject({
      name: 'Sônia Importada',
      document,
      address: { city: 'São Paulo' },
      notes: 'veio da planilha; antiga',
    });
    expect((await api('GET', `/clients/${existing.id}`)).json().address).toEqual({ city: 'Campinas' });
    expect(await audits('client.updated', existing.id)).toHaveLength(1);
  });

  it('imports a multipart upload in UTF-8 with BOM, `,` and English headers', async () => {
    const [phone] = mobile();
    const text = `\uFEFFname,phone_number,email,city\r\n"Walter, o Importado",${phone},walter@import.test,Curitiba\r\n`;
    const response = await upload('/clients/import', Buffer.from(text, 'utf8'), 'multipart');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ imported: 1, updated: 0, unchanged: 0, errors: [] });
    const [walter] = (await api('GET', '/clients?q=walter%40import.test')).json().payload;
    expect(walter).toMatchObject({ name: 'Walter, o Importado', phone_number: phone, address: { city: 'Curitiba' } });
  });

  it('refuses a wrong header (400 naming the columns) and an oversized file (413), writing nothing', async () => {
    const before = await count('clients');
    const wrong = await upload('/clients/import', Buffer.from(`nome;idade\nXuxa;${mobile()[0]}\n`));
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ error: 'invalid_csv' });
    expect(wrong.json().details).toEqual([
      { field: 'idade', message: 'coluna desconhecida' },
      { field: 'telefone', message: 'coluna obrigatória ausente' },
    ]);
    const filler = Buffer.alloc(MAX_CSV_BYTES + 1 - 30, 'a');
    const big = Buffer.concat([Buffer.from(`nome;telefone\nYara;${mobile()[0]};`), filler]);
    expect(big.length).toBeGreaterThan(MAX_CSV_BYTES);
    for (const as of ['text/csv', 'multipart'] as const) {
      const response = await upload('/clients/import', big, as);
      expect(response.statusCode, as).toBe(413);
      expect(response.json().error).toBe('payload_too_large');
    }
    const json = await api('POST', '/clients/import', { nome: 'x' });
    expect(json.statusCode).toBe(415);
    expect(await count('clients')).toBe(before);
  });

  it('exports clients for Excel (BOM, `;`) with the import’s columns, and the export imports back unchanged', async () => {
    await createClient({
      name: 'Zélia "Aspas"; Export',
      phone_number: mobile()[0],
      email: 'zelia@export.test',
      address: { city: 'Recife', state: 'PE' },
      notes: '=1+1',
    });
    const response = await api('GET', '/clients/export.csv');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toContain('clientes.csv');
    const bytes = response.rawPayload;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text.split('\r\n')[0]).toBe(
      '\uFEFFnome;telefone;email;documento;rua;número;bairro;cidade;estado;cep;observações',
    );
    expect(text).toContain(`"Zélia ""Aspas""; Export"`);
    expect(text).toContain(`;'=1+1\r\n`);

    const clients = await count('clients');
    const reimported = await upload('/clients/import', bytes);
    expect(reimported.json()).toEqual({ imported: 0, updated: 0, unchanged: clients, errors: [] });
    expect(await count('clients')).toBe(clients);
  });

  it('imports and exports providers with services, regions and active', async () => {
    const [phone] = mobile();
    const text = [
      'nome;telefone;serviços;regiões;ativo',
      `Xavier;${phone};"Garçom, DJ";Centro | Zona Sul;não`,
      `Yasmin;${mobile()[0]};Astronauta;;sim`,
      `Zeca;${mobile()[0]};DJ;;talvez`,
    ].join('\n');
    const response = await upload('/providers/import', Buffer.from(text));
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().imported).toBe(1);
    expect(response.json().errors).toEqual([
      expect.objectContaining({ row: 3, field: 'services', message: expect.stringContaining('Astronauta') }),
      expect.objectContaining({ row: 4, field: 'active' }),
    ]);
    const [xavier] = (await api('GET', '/providers?q=Xavier')).json().payload;
    expect(xavier).toMatchObject({
      services: [{ name: 'DJ' }, { name: 'Garçom' }],
      regions: ['Centro', 'Zona Sul'],
      active: false,
    });
    expect((await api('GET', '/providers?q=Yasmin')).json().payload).toEqual([]);

    const exported = await api('GET', '/providers/export.csv');
    const lines = exported.rawPayload.toString('utf8').split('\r\n');
    expect(lines[0]).toBe('\uFEFFnome;telefone;email;documento;serviços;regiões;ativo;observações');
    // The leading apostrophe keeps Excel from reading +55… as a formula; the import drops it.
    expect(lines).toContain(`Xavier;'${phone};;;DJ, Garçom;Centro, Zona Sul;não;`);
    const again = await upload('/providers/import', exported.rawPayload);
    expect(again.json()).toMatchObject({ imported: 0, updated: 0, errors: [] });
    expect(again.json().unchanged).toBe(await count('providers'));
  });
});

describe('OpenAPI', () => {
  it('documents every service type, client and provider route with pt-BR tags', async () => {
    const response = await t.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(response.statusCode).toBe(200);
    const paths = response.json().paths as Record<string, Record<string, { tags?: string[] }>>;
    const base = '/api/v1/accounts/{account_id}';
    const expected: Array<[string, string[], string]> = [
      ['/service_types', ['get', 'post'], 'CRM: tipos de serviço'],
      ['/service_types/{id}', ['patch', 'delete'], 'CRM: tipos de serviço'],
      ['/clients', ['get', 'post'], 'CRM: clientes'],
      ['/clients/{id}', ['get', 'patch', 'delete'], 'CRM: clientes'],
      ['/clients/import', ['post'], 'CRM: clientes'],
      ['/clients/export.csv', ['get'], 'CRM: clientes'],
      ['/providers', ['get', 'post'], 'CRM: prestadores'],
      ['/providers/{id}', ['get', 'patch', 'delete'], 'CRM: prestadores'],
      ['/providers/import', ['post'], 'CRM: prestadores'],
      ['/providers/export.csv', ['get'], 'CRM: prestadores'],
    ];
    for (const [path, methods, tag] of expected) {
      for (const method of methods) expect(paths[`${base}${path}`]?.[method]?.tags, `${method} ${path}`).toEqual([tag]);
    }
  });
});

describe('deleting a contact that CRM records depend on', () => {
  it('answers 409 in Portuguese (not a 500) and keeps the contact, its client and the event', async () => {
    const client = await createClient({ name: 'Cliente com evento', phone_number: '+55 11 97777-1234' });
    const event = await bookEvent(client.id, '2031-05-10T22:00:00Z', '2031-05-11T02:00:00Z');
    const response = await api('DELETE', `/contacts/${client.contact_id}`);
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ error: 'conflict', message: expect.stringContaining('dependem') });
    const kept = await t.db.selectFrom('events').select('id').where('id', '=', event.id).executeTakeFirst();
    expect(kept?.id).toBe(event.id);
    expect((await api('GET', `/clients/${client.id}`)).statusCode).toBe(200);
  });
});

describe('merging contacts', () => {
  const merge = (baseId: number, mergeeId: number) =>
    t.inject({
      method: 'POST',
      url: '/api/v1/accounts/1/actions/contact_merge',
      headers: admin.tokenHeaders,
      payload: { base_contact_id: baseId, mergee_contact_id: mergeeId },
    });

  it('folds the mergee’s client into the base’s, moves its provider profile, and audits each with who merged', async () => {
    const dj = await serviceType(`DJ da mescla ${process.pid}`);
    const base = await createClient({
      name: 'Base da Mescla',
      phone_number: mobile()[0],
      address: { city: 'Santos' },
      notes: 'cliente antigo',
    });
    const mergeePhone = mobile()[0];
    const mergee = await createClient({
      name: 'Cópia da Mescla',
      phone_number: mergeePhone,
      address: { street: 'Rua das Flores', city: 'Osasco' },
    });
    const event = await bookEvent(mergee.id, '2031-07-05T22:00:00Z', '2031-07-06T02:00:00Z');
    // The same person (same phone) is also a provider: the profile moves to the base contact.
    const provider = await createProvider({ name: 'Cópia da Mescla', phone_number: mergeePhone, services: [dj.name] });
    expect(provider.contact_id).toBe(mergee.contact_id);

    const response = await merge(base.contact_id, mergee.contact_id);
    expect(response.statusCode, response.body).toBe(200);
    expect((await api('GET', `/events/${event.id}`)).json().client_id).toBe(base.id);
    expect((await api('GET', `/clients/${mergee.id}`)).statusCode).toBe(404);
    expect((await api('GET', `/providers/${provider.id}`)).json().contact_id).toBe(base.contact_id);

    const who = { actor_user_id: admin.user.id, ip: '127.0.0.1' };
    const mergeDetails = { base_contact_id: base.contact_id, mergee_contact_id: mergee.contact_id };
    const [kept] = await audits('client.updated', base.id);
    expect(kept).toMatchObject({ ...who, target_type: 'client' });
    expect(kept?.details).toEqual({
      before: { address: { city: 'Santos' } },
      after: { address: { street: 'Rua das Flores', city: 'Santos' } },
      merged_client_id: mergee.id,
      event_ids: [event.id],
      merge: mergeDetails,
    });
    const [gone] = await audits('client.deleted', mergee.id);
    expect(gone).toMatchObject({ ...who, details: { merged_into_client_id: base.id, merge: mergeDetails } });
    const [moved] = await audits('provider.updated', provider.id);
    expect(moved).toMatchObject({
      ...who,
      target_type: 'provider',
      details: {
        before: { contact_id: mergee.contact_id },
        after: { contact_id: base.contact_id },
        merge: mergeDetails,
      },
    });
  });

  it('merges two provider profiles into one with both services, regions and assignments, audited', async () => {
    const garcom = await serviceType(`Garçom da mescla ${process.pid}`);
    const bartender = await serviceType(`Bartender da mescla ${process.pid}`);
    const base = await createProvider({
      name: 'Prestador Base',
      phone_number: mobile()[0],
      services: [garcom.name],
      regions: ['Santos'],
    });
    const mergee = await createProvider({
      name: 'Prestador Cópia',
      phone_number: mobile()[0],
      services: [bartender.name],
      regions: ['Osasco'],
    });
    const owner = await createClient({ name: 'Cliente da Escala', phone_number: mobile()[0] });
    const event = await bookEvent(owner.id, '2031-08-02T22:00:00Z', '2031-08-03T02:00:00Z');
    await assign(event, mergee.id, bartender.id, 'accepted');

    expect((await merge(base.contact_id, mergee.contact_id)).statusCode).toBe(200);
    const after = (await api('GET', `/providers/${base.id}`)).json();
    expect(after.services.map((service: { id: number }) => service.id).sort()).toEqual(
      [garcom.id, bartender.id].sort(),
    );
    expect(after.regions).toEqual(['Santos', 'Osasco']);

    const assignment = await t.db
      .selectFrom('assignments')
      .select('id')
      .where('event_id', '=', event.id)
      .executeTakeFirstOrThrow();
    const [kept] = await audits('provider.updated', base.id);
    expect(kept).toMatchObject({ actor_user_id: admin.user.id, target_type: 'provider' });
    expect(kept?.details).toEqual({
      before: { regions: ['Santos'] },
      after: { regions: ['Santos', 'Osasco'] },
      merged_provider_id: mergee.id,
      added_service_type_ids: [bartender.id],
      assignment_ids: [assignment.id],
      merge: { base_contact_id: base.contact_id, mergee_contact_id: mergee.contact_id },
    });
    const [gone] = await audits('provider.deleted', mergee.id);
    expect(gone?.details).toMatchObject({
      before: { regions: ['Osasco'], active: true },
      merged_into_provider_id: base.id,
    });
  });
});
