import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountEvent } from '../../src/realtime/event-bus.js';
import { eventually } from '../helpers/eventually.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createWhatsAppInbox, postWebhook, type TestInbox, textPayload, waitForWebhooks } from '../helpers/whatsapp.js';

let t: TestApp;
let inbox: TestInbox;
let admin: Awaited<ReturnType<TestApp['signIn']>>;
const events: AccountEvent[] = [];

beforeAll(async () => {
  t = await createTestApp();
  inbox = await createWhatsAppInbox(t);
  admin = await t.signIn();
  t.app.events.subscribe((event) => events.push(event));
  await t.app.jobs.startWorker();
});
afterAll(async () => {
  await t.close();
});

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const api = (method: Method, url: string, payload?: unknown, headers = admin.tokenHeaders, accountId = 1) =>
  t.inject({
    method,
    url: `/api/v1/accounts/${accountId}${url}`,
    headers,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

let sequence = 0;
/** A Brazilian mobile nobody else in this file uses: [with the 9th digit, without it]. */
function mobile(ddd = '31'): [string, string] {
  sequence++;
  const subscriber = `7${String(process.pid % 1000).padStart(3, '0')}${String(sequence).padStart(4, '0')}`;
  return [`55${ddd}9${subscriber}`, `55${ddd}${subscriber}`];
}

async function createContact(body: Record<string, unknown>) {
  const response = await api('POST', '/contacts', body);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().payload.contact as { id: number; name: string; phone_number: string | null };
}

/** A WhatsApp message from `from`, processed: returns the conversation it landed in. */
async function incoming(from: string, text: string, name = 'Perfil do WhatsApp') {
  sequence++;
  const wamid = `wamid.contacts-${sequence}-${Date.now()}`;
  await postWebhook(t, textPayload(inbox.phoneNumberId, { from, wamid, text, name }), inbox.appSecret);
  await waitForWebhooks(t);
  return t.db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .select(['conversations.id', 'conversations.display_id', 'conversations.contact_id', 'conversations.status'])
    .where('messages.source_id', '=', wamid)
    .executeTakeFirstOrThrow();
}

describe('contacts CRUD', () => {
  it('creates, shows, updates (merging attributes) and deletes a contact in Chatwoot’s shapes', async () => {
    const [phone, oldForm] = mobile('11');
    const created = await api('POST', '/contacts', {
      name: 'Maria Souza',
      email: 'MARIA.souza@Example.com',
      phone_number: `+${phone.slice(0, 2)} (${phone.slice(2, 4)}) ${phone.slice(4, 9)}-${phone.slice(9)}`,
      identifier: 'cpf-123',
      custom_attributes: { plano: 'ouro' },
    });
    expect(created.statusCode, created.body).toBe(200);
    const { contact, contact_inbox } = created.json().payload;
    expect(contact).toMatchObject({
      name: 'Maria Souza',
      email: 'maria.souza@example.com',
      phone_number: `+${phone}`,
      identifier: 'cpf-123',
      custom_attributes: { plano: 'ouro' },
      blocked: false,
      contact_inboxes: [],
    });
    expect(contact_inbox).toEqual({});

    const shown = await api('GET', `/contacts/${contact.id}`);
    expect(shown.json().payload).toEqual(contact);

    // The same number in its old 8-digit form is the contact's own number: no duplicate.
    const patched = await api('PATCH', `/contacts/${contact.id}`, {
      phone_number: oldForm,
      custom_attributes: { cidade: 'São Paulo' },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().payload).toMatchObject({
      phone_number: `+${phone}`,
      custom_attributes: { plano: 'ouro', cidade: 'São Paulo' },
    });
    const put = await api('PUT', `/contacts/${contact.id}`, { name: 'Maria S.', email: '' });
    expect(put.json().payload).toMatchObject({ name: 'Maria S.', email: null });

    const deleted = await api('DELETE', `/contacts/${contact.id}`);
    expect(deleted.statusCode).toBe(200);
    expect(deleted.body).toBe('');
    expect((await api('GET', `/contacts/${contact.id}`)).statusCode).toBe(404);
    expect((await api('DELETE', `/contacts/${contact.id}`)).statusCode).toBe(404);
  });

  it('keeps a name typed by an agent when the contact writes with a WhatsApp profile name', async () => {
    const [phone] = mobile();
    const contact = await createContact({ name: 'Cliente Importante', phone_number: phone });
    const conversation = await incoming(phone, 'oi', 'apelido no zap');
    expect(conversation.contact_id).toBe(contact.id);
    expect((await api('GET', `/contacts/${contact.id}`)).json().payload.name).toBe('Cliente Importante');
  });

  it('deleting a contact removes its conversations and messages', async () => {
    const [phone] = mobile();
    const conversation = await incoming(phone, 'vou ser apagado');
    const response = await api('DELETE', `/contacts/${conversation.contact_id}`);
    expect(response.statusCode).toBe(200);
    const left = await t.db
      .selectFrom('messages')
      .select('id')
      .where('conversation_id', '=', conversation.id)
      .execute();
    expect(left).toEqual([]);
    expect((await api('GET', `/conversations/${conversation.display_id}`)).statusCode).toBe(404);
  });
});

describe('duplicates and validation', () => {
  it('refuses a second contact for the same mobile in either 9th-digit form, naming the existing one', async () => {
    const [phone, oldForm] = mobile('21');
    const first = await createContact({ name: 'Primeiro', phone_number: phone });
    const second = await api('POST', '/contacts', { name: 'Segundo', phone_number: oldForm });
    expect(second.statusCode).toBe(422);
    expect(second.json()).toMatchObject({ error: 'unprocessable', message: expect.stringContaining(`#${first.id}`) });
    expect(second.json().details).toEqual([{ field: 'phone_number', message: 'já cadastrado', contact_id: first.id }]);

    const [otherPhone, otherOldForm] = mobile('21');
    const old = await createContact({ name: 'Forma antiga', phone_number: otherOldForm });
    expect(old.phone_number).toBe(`+${otherPhone}`);
    const duplicate = await api('POST', '/contacts', { name: 'Forma nova', phone_number: otherPhone });
    expect(duplicate.statusCode).toBe(422);
    expect(duplicate.json().message).toContain(`#${old.id}`);

    const moved = await api('PATCH', `/contacts/${old.id}`, { phone_number: oldForm });
    expect(moved.statusCode).toBe(422);
    expect(moved.json().details[0]).toMatchObject({ field: 'phone_number', contact_id: first.id });
    const count = await t.db
      .selectFrom('contacts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('phone_key', '=', oldForm)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
  });

  it('refuses a duplicate e-mail (any case) and identifier', async () => {
    const first = await createContact({ name: 'Email', email: 'dup@example.com', identifier: 'dup-1' });
    const email = await api('POST', '/contacts', { name: 'Outro', email: 'DUP@example.com' });
    expect(email.statusCode).toBe(422);
    expect(email.json().details).toEqual([{ field: 'email', message: 'já cadastrado', contact_id: first.id }]);
    const identifier = await api('POST', '/contacts', { name: 'Outro', identifier: 'dup-1' });
    expect(identifier.statusCode).toBe(422);
    expect(identifier.json().details[0]).toMatchObject({ field: 'identifier', contact_id: first.id });
  });

  it('answers bad input with 400/422 JSON naming the problem, never 500', async () => {
    const cases: Array<[Method, string, unknown, number, string]> = [
      ['POST', '/contacts', { name: 'X', phone_number: 'abc-não-é-telefone' }, 422, 'Telefone inválido'],
      ['POST', '/contacts', { name: 'X', phone_number: '123' }, 422, 'Telefone inválido'],
      ['POST', '/contacts', { name: 'X', email: 'nao-e-email' }, 422, 'E-mail inválido'],
      ['POST', '/contacts', {}, 422, 'Informe ao menos'],
      ['POST', '/contacts', { name: 'X', blocked: true }, 422, 'Bloquear'],
      ['POST', '/contacts', { name: 'X', inbox_id: 999_999, phone_number: mobile()[0] }, 422, 'Caixa de entrada'],
      ['POST', '/contacts', { name: 'X', unknown_field: 1 }, 400, 'unknown_field'],
      ['POST', '/contacts', { name: 42 }, 400, 'name'],
      ['GET', '/contacts/abc', undefined, 400, 'id'],
      ['GET', '/contacts?sort=idade', undefined, 400, 'sort'],
      ['GET', '/contacts?page=0', undefined, 400, 'page'],
      ['GET', '/contacts/search', undefined, 400, 'q'],
      ['GET', '/contacts/999999', undefined, 404, 'Contato'],
      ['POST', '/contacts/999999/labels', { labels: ['x'] }, 404, 'Contato'],
    ];
    for (const [method, url, body, status, text] of cases) {
      const response = await api(method, url, body);
      expect(response.statusCode, `${method} ${url} ${JSON.stringify(body)}`).toBe(status);
      expect(response.json()).toMatchObject({ error: expect.any(String), message: expect.any(String) });
      expect(JSON.stringify(response.json()), url).toContain(text);
    }
    const contact = await createContact({ name: 'Validado' });
    const blank = await api('PATCH', `/contacts/${contact.id}`, { name: '  ' });
    expect(blank.statusCode).toBe(422);
  });
});

describe('search, pagination and sort', () => {
  it('finds a contact by name, e-mail, identifier and phone in either form or by partial digits', async () => {
    const [phone, oldForm] = mobile('41');
    const contact = await createContact({
      name: 'Genoveva Pires',
      email: 'genoveva@pires.test',
      identifier: 'ext-genoveva-77',
      phone_number: phone,
    });
    const queries = ['genoveva', 'GENOVEVA P', 'pires.test', 'ext-genoveva', phone, `+${phone}`, oldForm];
    queries.push(
      phone.slice(4),
      oldForm.slice(4),
      phone.slice(-6),
      `(${phone.slice(2, 4)}) ${phone.slice(4, 9)}-${phone.slice(9)}`,
    );
    for (const q of queries) {
      const response = await api('GET', `/contacts/search?q=${encodeURIComponent(q)}`);
      expect(response.statusCode, q).toBe(200);
      expect(
        response.json().payload.map((item: { id: number }) => item.id),
        q,
      ).toContain(contact.id);
    }
    const none = (await api('GET', '/contacts/search?q=ninguem-tem-isso')).json();
    expect(none).toEqual({ meta: { count: 0, current_page: '1' }, payload: [] });
    // "%" is a character, not a wildcard.
    expect((await api('GET', '/contacts/search?q=%25')).json().payload).toEqual([]);
  });

  it('pages 15 at a time and sorts by any column in either direction', async () => {
    const marker = `Pag${Date.now().toString(36)}`;
    const letters = 'ABCDEFGHIJKLMNOPQ'.split('');
    for (const letter of [...letters].reverse()) {
      await createContact({ name: `${marker} ${letter}`, email: `${marker}-${letter}@example.com`.toLowerCase() });
    }
    const first = (await api('GET', `/contacts/search?q=${marker}&sort=name`)).json();
    expect(first.meta).toEqual({ count: 17, current_page: '1' });
    expect(first.payload.map((c: { name: string }) => c.name)).toEqual(
      letters.slice(0, 15).map((l) => `${marker} ${l}`),
    );
    const second = (await api('GET', `/contacts/search?q=${marker}&sort=name&page=2`)).json();
    expect(second.meta.current_page).toBe('2');
    expect(second.payload.map((c: { name: string }) => c.name)).toEqual([`${marker} P`, `${marker} Q`]);
    const descending = (await api('GET', `/contacts/search?q=${marker}&sort=-email`)).json();
    expect(descending.payload[0].name).toBe(`${marker} Q`);
    const newest = (await api('GET', `/contacts/search?q=${marker}&sort=-created_at`)).json();
    expect(newest.payload[0].name).toBe(`${marker} A`);

    const list = (await api('GET', '/contacts?sort=-created_at')).json();
    expect(list.payload).toHaveLength(15);
    expect(list.meta.count).toBeGreaterThanOrEqual(17);
    expect(list.payload[0].name).toBe(`${marker} A`);
    expect(list.payload[0]).toHaveProperty('contact_inboxes');
  });
});

describe('filter', () => {
  const marker = `Flt${Date.now().toString(36)}`;
  const ids: Record<string, number> = {};
  const [brunoPhone, brunoOldForm] = mobile('51');
  const filter = async (payload: unknown[]) => {
    const response = await api('POST', '/contacts/filter', { payload });
    return response;
  };
  const matched = async (payload: unknown[]) => {
    const response = await filter(payload);
    expect(response.statusCode, response.body).toBe(200);
    return response
      .json()
      .payload.map((c: { id: number }) => c.id)
      .sort((a: number, b: number) => a - b);
  };
  const named = (key: string, op: string, values: unknown[], query_operator: string | null = 'and') => ({
    attribute_key: key,
    filter_operator: op,
    values,
    query_operator,
  });

  beforeAll(async () => {
    ids.ana = (
      await createContact({
        name: `${marker} Ana`,
        email: `ana@${marker}.test`,
        custom_attributes: { plano: 'ouro' },
        additional_attributes: { city: 'Curitiba' },
      })
    ).id;
    await api('POST', `/contacts/${ids.ana}/labels`, { labels: ['vip'] });
    ids.bruno = (
      await createContact({ name: `${marker} Bruno`, phone_number: brunoPhone, custom_attributes: { plano: 'prata' } })
    ).id;
    ids.carla = (await createContact({ name: `${marker} Carla`, identifier: `${marker}-carla` })).id;
  });

  it('combines conditions with AND/OR, AND binding tighter', async () => {
    const mine = named('name', 'contains', [marker]);
    expect(await matched([mine, named('email', 'is_present', [], null)])).toEqual([ids.ana]);
    expect(
      await matched([
        named('name', 'equal_to', [`${marker} bruno`], 'or'),
        named('name', 'equal_to', [`${marker} CARLA`], null),
      ]),
    ).toEqual([ids.bruno, ids.carla]);
    // Ana OR (Bruno AND has e-mail): Bruno has none.
    expect(
      await matched([
        named('name', 'contains', [`${marker} Ana`], 'or'),
        named('name', 'contains', [`${marker} Bruno`]),
        named('email', 'is_present', [], null),
      ]),
    ).toEqual([ids.ana]);
  });

  it('supports each operator on standard, label, phone, date and custom attributes', async () => {
    const mine = named('name', 'contains', [marker]);
    const cases: Array<[unknown, number[]]> = [
      [named('name', 'does_not_contain', ['ana'], null), [ids.bruno as number, ids.carla as number]],
      [named('name', 'not_equal_to', [`${marker} Ana`], null), [ids.bruno as number, ids.carla as number]],
      [named('name', 'starts_with', [`${marker} C`], null), [ids.carla as number]],
      [named('email', 'is_not_present', [], null), [ids.bruno as number, ids.carla as number]],
      [named('identifier', 'equal_to', [`${marker}-carla`], null), [ids.carla as number]],
      [named('labels', 'equal_to', ['VIP'], null), [ids.ana as number]],
      [named('labels', 'is_not_present', [], null), [ids.bruno as number, ids.carla as number]],
      [named('phone_number', 'equal_to', [brunoOldForm], null), [ids.bruno as number]],
      [named('phone_number', 'contains', [brunoPhone.slice(-6)], null), [ids.bruno as number]],
      [named('plano', 'equal_to', ['ouro'], null), [ids.ana as number]],
      [named('plano', 'is_present', [], null), [ids.ana as number, ids.bruno as number]],
      [named('city', 'equal_to', ['curitiba'], null), [ids.ana as number]],
      [
        named('created_at', 'is_greater_than', [new Date(Date.now() - 86_400_000).toISOString()], null),
        [ids.ana as number, ids.bruno as number, ids.carla as number],
      ],
      [named('created_at', 'is_less_than', ['2020-01-01'], null), []],
      [named('last_activity_at', 'is_present', [], null), []],
    ];
    for (const [line, expected] of cases) {
      expect(await matched([mine, line]), JSON.stringify(line)).toEqual(expected);
    }
  });

  it('answers 422/400 for an unknown attribute, a wrong operator or bad values', async () => {
    const cases: Array<[unknown[], number, string]> = [
      [[named('nao_existe', 'equal_to', ['x'], null)], 422, 'nao_existe'],
      [[named('constructor', 'equal_to', ['x'], null)], 422, 'constructor'],
      [[named('name', 'is_greater_than', ['x'], null)], 422, 'is_greater_than'],
      [[named('labels', 'contains', ['x'], null)], 422, 'contains'],
      [[named('name', 'like', ['x'], null)], 400, 'filter_operator'],
      [[named('created_at', 'is_less_than', ['ontem'], null)], 422, 'data inválida'],
      [[named('created_at', 'days_before', ['-3'], null)], 422, 'dias'],
      [[named('phone_number', 'equal_to', ['abc'], null)], 422, 'telefone inválido'],
      [[named('name', 'equal_to', [], null)], 422, 'valor'],
      [[named('name', 'contains', ['a'], null), named('email', 'is_present', [], null)], 422, 'AND ou OR'],
      [[], 400, 'payload'],
    ];
    for (const [payload, status, text] of cases) {
      const response = await filter(payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(status);
      expect(JSON.stringify(response.json())).toContain(text);
    }
  });
});

describe('labels, conversations and contact inboxes', () => {
  it('replaces the label set, lowercased and without repeats', async () => {
    const contact = await createContact({ name: 'Etiquetado' });
    const set = await api('POST', `/contacts/${contact.id}/labels`, { labels: ['VIP', ' Cliente ', 'vip'] });
    expect(set.json()).toEqual({ payload: ['vip', 'cliente'] });
    await api('POST', `/contacts/${contact.id}/labels`, { labels: ['novo'] });
    expect((await api('GET', `/contacts/${contact.id}/labels`)).json()).toEqual({ payload: ['novo'] });
  });

  it('lists the contact’s conversations exactly as the conversations API shows them', async () => {
    const [phone] = mobile();
    const conversation = await incoming(phone, 'quero saber do pacote');
    const response = await api('GET', `/contacts/${conversation.contact_id}/conversations`);
    expect(response.statusCode).toBe(200);
    const { payload } = response.json();
    expect(payload).toHaveLength(1);
    const direct = (await api('GET', `/conversations/${conversation.display_id}`)).json();
    expect(payload[0]).toEqual(direct);
    expect(payload[0].meta.sender.id).toBe(conversation.contact_id);
  });

  it('creates the WhatsApp contact inbox with the E.164 digits and lists contactable inboxes', async () => {
    const [phone, oldForm] = mobile('61');
    const created = await api('POST', '/contacts', { name: 'Com caixa', phone_number: oldForm, inbox_id: inbox.id });
    expect(created.statusCode, created.body).toBe(200);
    const { contact, contact_inbox } = created.json().payload;
    expect(contact_inbox).toMatchObject({
      source_id: phone,
      inbox: { id: inbox.id, channel_type: 'Channel::Whatsapp', provider: 'whatsapp_cloud' },
    });
    expect(contact.contact_inboxes).toEqual([contact_inbox]);

    const apiInbox = await t.app.services.inboxes.create({
      accountId: 1,
      name: 'API',
      channelType: 'api',
      phoneNumber: null,
      phoneNumberId: null,
      businessAccountId: null,
      credentials: null,
    });
    const attached = await api('POST', `/contacts/${contact.id}/contact_inboxes`, { inbox_id: apiInbox.id });
    expect(attached.statusCode, attached.body).toBe(200);
    expect(attached.json()).toMatchObject({
      source_id: expect.any(String),
      inbox: { id: apiInbox.id, channel_type: 'Channel::Api' },
    });

    const contactable = (await api('GET', `/contacts/${contact.id}/contactable_inboxes`)).json().payload;
    expect(contactable).toContainEqual(
      expect.objectContaining({ source_id: phone, inbox: expect.objectContaining({ id: inbox.id }) }),
    );
    expect(contactable).toContainEqual(
      expect.objectContaining({
        source_id: attached.json().source_id,
        inbox: expect.objectContaining({ id: apiInbox.id }),
      }),
    );

    // Someone else's number in this inbox cannot be taken over.
    const other = await createContact({ name: 'Outro' });
    const taken = await api('POST', `/contacts/${other.id}/contact_inboxes`, { inbox_id: inbox.id, source_id: phone });
    expect(taken.statusCode).toBe(422);
    expect(taken.json().details[0]).toMatchObject({ field: 'source_id', contact_id: contact.id });
    const noPhone = await api('POST', `/contacts/${other.id}/contact_inboxes`, { inbox_id: inbox.id });
    expect(noPhone.statusCode).toBe(422);
    const badSource = await api('POST', `/contacts/${other.id}/contact_inboxes`, {
      inbox_id: inbox.id,
      source_id: 'abc',
    });
    expect(badSource.statusCode).toBe(422);
  });
});

describe('merge', () => {
  it('moves conversations, contact inboxes, senders, labels and attributes to the base, then deletes the mergee', async () => {
    const base = await createContact({
      name: 'Base',
      email: 'base@merge.test',
      custom_attributes: { a: 1, shared: 'base' },
    });
    await api('POST', `/contacts/${base.id}/labels`, { labels: ['antigo'] });
    const [phone] = mobile();
    const conversation = await incoming(phone, 'sou o mesmo cliente');
    const mergeeId = conversation.contact_id;
    await api('PATCH', `/contacts/${mergeeId}`, {
      custom_attributes: { b: 2, shared: 'mergee' },
      identifier: 'id-mergee',
    });
    await api('POST', `/contacts/${mergeeId}/labels`, { labels: ['whatsapp'] });

    const merged = await api('POST', '/actions/contact_merge', {
      base_contact_id: base.id,
      mergee_contact_id: mergeeId,
    });
    expect(merged.statusCode, merged.body).toBe(200);
    expect(merged.json()).toMatchObject({
      id: base.id,
      name: 'Base',
      email: 'base@merge.test',
      phone_number: `+${phone}`,
      identifier: 'id-mergee',
      custom_attributes: { a: 1, b: 2, shared: 'base' },
      contact_inboxes: [expect.objectContaining({ source_id: phone })],
    });
    expect((await api('GET', `/contacts/${base.id}/labels`)).json().payload.sort()).toEqual(['antigo', 'whatsapp']);
    expect((await api('GET', `/contacts/${mergeeId}`)).statusCode).toBe(404);
    const conversations = (await api('GET', `/contacts/${base.id}/conversations`)).json().payload;
    expect(conversations.map((c: { id: number }) => c.id)).toEqual([conversation.display_id]);
    const senders = await t.db
      .selectFrom('messages')
      .select('sender_id')
      .where('conversation_id', '=', conversation.id)
      .where('sender_type', '=', 'contact')
      .execute();
    expect(senders.map((row) => row.sender_id)).toEqual([base.id]);

    // The next message from that number continues the same conversation, under the base contact.
    const next = await incoming(phone, 'voltei');
    expect(next).toMatchObject({ id: conversation.id, contact_id: base.id });
  });

  it('keeps the base’s open conversation and resolves the mergee’s one in the same inbox with a note', async () => {
    const [basePhone] = mobile();
    const [mergeePhone] = mobile();
    const kept = await incoming(basePhone, 'conversa do base');
    const clashing = await incoming(mergeePhone, 'conversa do outro número');
    const merged = await api('POST', '/actions/contact_merge', {
      base_contact_id: kept.contact_id,
      mergee_contact_id: clashing.contact_id,
    });
    expect(merged.statusCode, merged.body).toBe(200);
    expect((await api('GET', `/conversations/${kept.display_id}`)).json().status).toBe('open');
    expect((await api('GET', `/conversations/${clashing.display_id}`)).json().status).toBe('resolved');
    const note = await t.db
      .selectFrom('messages')
      .select('content')
      .where('conversation_id', '=', clashing.id)
      .where('message_type', '=', 2)
      .executeTakeFirstOrThrow();
    expect(note.content).toContain(`#${kept.display_id}`);
    const listed = (await api('GET', `/contacts/${kept.contact_id}/conversations`)).json().payload;
    expect(listed.map((c: { id: number }) => c.id).sort()).toEqual([kept.display_id, clashing.display_id].sort());

    // The mergee's number now writes into the base's open conversation.
    const again = await incoming(mergeePhone, 'oi de novo');
    expect(again).toMatchObject({ id: kept.id, contact_id: kept.contact_id, status: 'open' });
  });

  it('gives the base the mergee’s CRM rows: client profiles merged into one, provider, deals, notes and CPF', async () => {
    const [basePhone] = mobile();
    const [mergeePhone] = mobile();
    const crm = async (url: string, body: Record<string, unknown>) => {
      const response = await api('POST', url, body);
      expect(response.statusCode, response.body).toBe(201);
      return response.json();
    };
    const baseClient = await crm('/clients', {
      name: 'Base CRM',
      phone_number: basePhone,
      address: { city: 'Recife' },
    });
    const mergeeClient = await crm('/clients', {
      name: 'Outro CRM',
      phone_number: mergeePhone,
      document: '529.982.247-25',
      address: { city: 'Olinda', zip: '53000-000' },
      notes: 'veio do outro cadastro',
    });
    await crm('/service_types', { name: 'DJ da mesclagem' });
    const provider = await crm('/providers', {
      name: 'Outro CRM',
      phone_number: mergeePhone,
      services: ['DJ da mesclagem'],
    });
    const event = await t.db
      .insertInto('events')
      .values({
        account_id: 1,
        client_id: mergeeClient.id,
        title: 'Festa do outro cadastro',
        starts_at: '2031-01-01T20:00:00Z',
        ends_at: '2031-01-01T23:00:00Z',
        location: '{}',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const stage = await t.db
      .insertInto('pipeline_stages')
      .values({ account_id: 1, name: 'Etapa da mesclagem', position: 99 })
      .returning('id')
      .executeTakeFirstOrThrow();
    await t.db
      .insertInto('deals')
      .values({ account_id: 1, title: 'Negócio do outro', contact_id: mergeeClient.contact_id, stage_id: stage.id })
      .execute();
    await t.db
      .insertInto('contact_notes')
      .values({ account_id: 1, contact_id: mergeeClient.contact_id, content: 'nota do outro' })
      .execute();

    const merged = await api('POST', '/actions/contact_merge', {
      base_contact_id: baseClient.contact_id,
      mergee_contact_id: mergeeClient.contact_id,
    });
    expect(merged.statusCode, merged.body).toBe(200);
    expect((await api('GET', `/clients/${mergeeClient.id}`)).statusCode).toBe(404);
    expect((await api('GET', `/clients/${baseClient.id}`)).json()).toMatchObject({
      contact_id: baseClient.contact_id,
      document: '52998224725',
      address: { city: 'Recife', zip: '53000-000' },
      notes: 'veio do outro cadastro',
    });
    const moved = await t.db
      .selectFrom('events')
      .select('client_id')
      .where('id', '=', event.id)
      .executeTakeFirstOrThrow();
    expect(moved.client_id).toBe(baseClient.id);
    expect((await api('GET', `/providers/${provider.id}`)).json()).toMatchObject({
      contact_id: baseClient.contact_id,
      name: 'Base CRM',
      services: [{ name: 'DJ da mesclagem' }],
    });
    for (const table of ['deals', 'contact_notes'] as const) {
      const rows = await t.db.selectFrom(table).select('contact_id').where('account_id', '=', 1).execute();
      expect(
        rows.map((row) => row.contact_id),
        table,
      ).toEqual([baseClient.contact_id]);
    }
  });

  it('refuses merging a contact with itself (422) and unknown contacts (404)', async () => {
    const contact = await createContact({ name: 'Sozinho' });
    const self = await api('POST', '/actions/contact_merge', {
      base_contact_id: contact.id,
      mergee_contact_id: contact.id,
    });
    expect(self.statusCode).toBe(422);
    const unknown = await api('POST', '/actions/contact_merge', {
      base_contact_id: contact.id,
      mergee_contact_id: 999_999,
    });
    expect(unknown.statusCode).toBe(404);
    const invalid = await api('POST', '/actions/contact_merge', { base_contact_id: 'x' });
    expect(invalid.statusCode).toBe(400);
  });
});

describe('access', () => {
  it('answers 404 for another account’s contacts, on every route', async () => {
    const contact = await createContact({ name: 'Só da conta 1' });
    const other = await t.app.services.users.createAccount('Outra empresa');
    await t.app.services.users.addMembership({ accountId: other.id, userId: admin.user.id, role: 'administrator' });
    t.app.services.memberships.forget(admin.user.id);
    const otherContact = (
      await api('POST', '/contacts', { name: 'Da outra conta' }, admin.tokenHeaders, other.id)
    ).json().payload.contact;
    for (const [method, url, body] of [
      ['GET', `/contacts/${contact.id}`, undefined],
      ['PATCH', `/contacts/${contact.id}`, { name: 'invasor' }],
      ['DELETE', `/contacts/${contact.id}`, undefined],
      ['GET', `/contacts/${contact.id}/labels`, undefined],
      ['GET', `/contacts/${contact.id}/conversations`, undefined],
      ['GET', `/contacts/${contact.id}/contactable_inboxes`, undefined],
    ] as Array<[Method, string, unknown]>) {
      expect((await api(method, url, body, admin.tokenHeaders, other.id)).statusCode, `${method} ${url}`).toBe(404);
    }
    const merge = await api('POST', '/actions/contact_merge', {
      base_contact_id: contact.id,
      mergee_contact_id: otherContact.id,
    });
    expect(merge.statusCode).toBe(404);
    const search = (await api('GET', '/contacts/search?q=Da%20outra%20conta')).json();
    expect(search.payload).toEqual([]);
    expect((await api('GET', `/contacts/${contact.id}`)).json().payload.name).toBe('Só da conta 1');
  });

  it('lets agents list, create and update contacts but only administrators delete them', async () => {
    const email = `agente-${Date.now().toString(36)}@example.com`;
    const created = await api('POST', '/agents', {
      name: 'Agente',
      email,
      role: 'agent',
      password: 'senha-do-agente-1',
    });
    expect(created.statusCode, created.body).toBe(200);
    const agent = await t.signIn(email, 'senha-do-agente-1');
    const contact = (await api('POST', '/contacts', { name: 'Do agente' }, agent.tokenHeaders)).json().payload.contact;
    expect((await api('PATCH', `/contacts/${contact.id}`, { name: 'Editado' }, agent.tokenHeaders)).statusCode).toBe(
      200,
    );
    expect((await api('GET', '/contacts', undefined, agent.tokenHeaders)).statusCode).toBe(200);
    // An agent sees a contact's conversations only in inboxes they belong to (none here).
    const [phone] = mobile();
    const conversation = await incoming(phone, 'conversa fora das caixas do agente');
    const hidden = await api(
      'GET',
      `/contacts/${conversation.contact_id}/conversations`,
      undefined,
      agent.tokenHeaders,
    );
    expect(hidden.json()).toEqual({ payload: [] });
    const visible = await api('GET', `/contacts/${conversation.contact_id}/conversations`);
    expect(visible.json().payload).toHaveLength(1);
    const forbidden = await api('DELETE', `/contacts/${contact.id}`, undefined, agent.tokenHeaders);
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error).toBe('forbidden');
    expect((await api('GET', `/contacts/${contact.id}`)).statusCode).toBe(200);
  });
});

describe('realtime events', () => {
  it('publishes contact.created, contact.updated and contact.deleted after commit, and nothing for a refused write', async () => {
    const contact = await createContact({ name: 'Evento', email: 'evento@example.com' });
    await api('PATCH', `/contacts/${contact.id}`, { name: 'Evento 2' });
    const about = () => events.filter((event) => event.data.id === contact.id && event.name.startsWith('contact.'));
    await eventually(() => about().length === 2);
    const before = events.length;
    expect((await api('POST', '/contacts', { name: 'Duplicado', email: 'evento@example.com' })).statusCode).toBe(422);
    await api('DELETE', `/contacts/${contact.id}`);
    await eventually(() => about().length === 3);
    expect(about().map((event) => event.name)).toEqual(['contact.created', 'contact.updated', 'contact.deleted']);
    expect(about()[1]?.data).toMatchObject({ id: contact.id, name: 'Evento 2' });
    expect(events.slice(before).filter((event) => event.name === 'contact.created')).toEqual([]);
  });
});

describe('OpenAPI', () => {
  it('documents every contacts route with pt-BR tags', async () => {
    const response = await t.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(response.statusCode).toBe(200);
    const paths = response.json().paths as Record<string, Record<string, { tags?: string[] }>>;
    const base = '/api/v1/accounts/{account_id}';
    for (const [path, method] of [
      ['/contacts', 'get'],
      ['/contacts', 'post'],
      ['/contacts/search', 'get'],
      ['/contacts/filter', 'post'],
      ['/contacts/{id}', 'put'],
      ['/contacts/{id}', 'delete'],
      ['/contacts/{id}/conversations', 'get'],
      ['/contacts/{id}/labels', 'post'],
      ['/contacts/{id}/contact_inboxes', 'post'],
      ['/contacts/{id}/contactable_inboxes', 'get'],
      ['/actions/contact_merge', 'post'],
    ] as const) {
      expect(paths[`${base}${path}`]?.[method]?.tags, `${method} ${path}`).toEqual([
        'Contatos (compatível com Chatwoot)',
      ]);
    }
  });
});
