import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createWhatsAppInbox } from '../helpers/whatsapp.js';

let t: TestApp;
let admin: Awaited<ReturnType<TestApp['signIn']>>;
let agent: Awaited<ReturnType<TestApp['signIn']>>;
let otherAccountId: number;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.signIn();
  otherAccountId = (await t.app.services.users.createAccount('Outra empresa')).id;
  const email = `agente-${process.pid}@example.com`;
  const created = await api('POST', '/agents', { name: 'Ana', email, role: 'agent', password: 'senha-da-ana-123' });
  expect(created.statusCode, created.body).toBe(200);
  agent = await t.signIn(email, 'senha-da-ana-123');
});
afterAll(async () => {
  await t.close();
});

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
function api(method: Method, url: string, payload?: unknown, headers: Record<string, string> = admin.tokenHeaders) {
  return t.inject({
    method,
    url: `/api/v1/accounts/1${url}`,
    headers,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

let sequence = 0;
const unique = (prefix: string) => `${prefix} ${++sequence}`;

async function createTemplate(body: Record<string, unknown>) {
  const response = await api('POST', '/notification_templates', {
    name: unique('Modelo'),
    category: 'utility',
    ...body,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { id: number; name: string };
}

async function contact(name: string, accountId = 1, phone: string | null = null) {
  return t.db
    .insertInto('contacts')
    .values({
      account_id: accountId,
      name,
      phone_number: phone,
      email: null,
      custom_attributes: '{}',
      additional_attributes: '{}',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

async function client(name: string, accountId = 1) {
  const person = await contact(name, accountId, '+5511987654321');
  const row = await t.db
    .insertInto('clients')
    .values({ account_id: accountId, contact_id: person.id, address: '{}' })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, contactId: person.id };
}

async function eventInAccount(accountId: number) {
  const owner = await client('Cliente de lá', accountId);
  return t.db
    .insertInto('events')
    .values({
      account_id: accountId,
      client_id: owner.id,
      title: 'Evento de outra conta',
      starts_at: new Date('2030-01-01T12:00:00Z'),
      ends_at: new Date('2030-01-01T14:00:00Z'),
      location: '{}',
      value_cents: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

describe('creating, reading, editing and deleting templates', () => {
  it('creates a template with its variants and lists it', async () => {
    const response = await api('POST', '/notification_templates', {
      name: 'Lembrete 24h',
      category: 'utility',
      whatsapp: {
        template_name: 'lembrete_evento',
        body_params: ['{{client.first_name}}', '{{event.starts_at | data_hora}}'],
      },
      text: 'Oi {{client.first_name}}, amanhã é o {{event.title}}!',
      sms: '{{account.name}}: {{event.title}} em {{event.date}} às {{event.time}}.',
    });
    expect(response.statusCode, response.body).toBe(201);
    const created = response.json();
    expect(created).toMatchObject({
      name: 'Lembrete 24h',
      category: 'utility',
      // The language defaults to Portuguese (Brazil), as Meta names it.
      whatsapp: {
        template_name: 'lembrete_evento',
        language: 'pt_BR',
        body_params: ['{{client.first_name}}', '{{event.starts_at | data_hora}}'],
      },
      text: 'Oi {{client.first_name}}, amanhã é o {{event.title}}!',
    });

    const list = await api('GET', '/notification_templates', undefined, agent.tokenHeaders);
    expect(list.statusCode).toBe(200);
    expect(list.json().payload.map((row: { id: number }) => row.id)).toContain(created.id);
    const one = await api('GET', `/notification_templates/${created.id}`, undefined, agent.tokenHeaders);
    expect(one.json()).toEqual(created);
  });

  it('edits a template partly and removes a variant with null', async () => {
    const template = await createTemplate({ text: 'Oi {{contact.first_name}}', sms: 'SMS {{contact.name}}' });
    const response = await api('PATCH', `/notification_templates/${template.id}`, {
      sms: null,
      category: 'marketing',
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ category: 'marketing', text: 'Oi {{contact.first_name}}', sms: null });
  });

  it('refuses to remove the last variant', async () => {
    const template = await createTemplate({ text: 'Só texto' });
    const response = await api('PATCH', `/notification_templates/${template.id}`, { text: null });
    expect(response.statusCode).toBe(422);
    expect(response.json().details).toEqual([
      { field: 'whatsapp', message: 'informe ao menos uma variante: whatsapp, text ou sms' },
    ]);
  });

  it('refuses a template without any variant', async () => {
    const response = await api('POST', '/notification_templates', { name: 'Vazio', category: 'utility' });
    expect(response.statusCode).toBe(400);
    expect(response.json().details).toEqual([
      { field: 'whatsapp', message: 'informe ao menos uma variante: whatsapp, text ou sms' },
    ]);
  });

  it('refuses a second template with the same name, ignoring case', async () => {
    await createTemplate({ name: 'Pesquisa pós-evento', text: 'Como foi?' });
    const response = await api('POST', '/notification_templates', {
      name: 'PESQUISA PÓS-EVENTO',
      category: 'utility',
      text: 'Outra',
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().details[0]).toMatchObject({ field: 'name' });
  });

  it('deletes an unused template', async () => {
    const template = await createTemplate({ text: 'Descartável' });
    expect((await api('DELETE', `/notification_templates/${template.id}`)).statusCode).toBe(204);
    expect((await api('GET', `/notification_templates/${template.id}`)).statusCode).toBe(404);
  });

  it('refuses to delete a template a rule uses, naming the rule', async () => {
    const template = await createTemplate({ text: 'Lembrete' });
    const rule = await t.db
      .insertInto('notification_rules')
      .values({
        account_id: 1,
        name: 'Lembrete do cliente',
        trigger: 'event.before_start',
        audience: 'client',
        template_id: template.id,
        active: false,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const response = await api('DELETE', `/notification_templates/${template.id}`);
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ error: 'conflict', details: { rules: [{ id: rule.id }] } });
    expect(response.json().message).toContain('"Lembrete do cliente"');
    expect((await api('GET', `/notification_templates/${template.id}`)).statusCode).toBe(200);
  });

  it('lets agents read and preview but not write', async () => {
    const template = await createTemplate({ text: 'Oi' });
    const body = { name: 'Do agente', category: 'utility', text: 'Oi' };
    expect((await api('POST', '/notification_templates', body, agent.tokenHeaders)).statusCode).toBe(403);
    expect(
      (await api('PATCH', `/notification_templates/${template.id}`, { text: 'Mudou' }, agent.tokenHeaders)).statusCode,
    ).toBe(403);
    expect(
      (await api('DELETE', `/notification_templates/${template.id}`, undefined, agent.tokenHeaders)).statusCode,
    ).toBe(403);
    expect(
      (await api('POST', `/notification_templates/${template.id}/preview`, {}, agent.tokenHeaders)).statusCode,
    ).toBe(200);
    expect((await api('GET', `/notification_templates/${template.id}`)).json().text).toBe('Oi');
  });

  it('documents every route in /api/openapi.json, with the body schema', async () => {
    const spec = (await t.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const base = '/api/v1/accounts/{account_id}/notification_templates';
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([base, `${base}/variables`, `${base}/preview`, `${base}/{id}`, `${base}/{id}/preview`]),
    );
    expect(spec.paths[base].post.requestBody).toBeDefined();
  });

  it("answers 404 for another account's template", async () => {
    const foreign = await t.db
      .insertInto('notification_templates')
      .values({ account_id: otherAccountId, name: 'Deles', category: 'utility', text: 'Oi' })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect((await api('GET', `/notification_templates/${foreign.id}`)).statusCode).toBe(404);
    expect((await api('PATCH', `/notification_templates/${foreign.id}`, { text: 'x' })).statusCode).toBe(404);
    expect((await api('DELETE', `/notification_templates/${foreign.id}`)).statusCode).toBe(404);
    expect((await api('POST', `/notification_templates/${foreign.id}/preview`, {})).statusCode).toBe(404);
  });
});

describe('variables', () => {
  it('rejects an unknown variable when the template is saved, naming the field', async () => {
    const response = await api('POST', '/notification_templates', {
      name: 'Com erro',
      category: 'utility',
      whatsapp: { template_name: 'qualquer', body_params: ['{{client.name}}', '{{evento.data}}'] },
    });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({
      error: 'unprocessable',
      details: [{ field: 'whatsapp.body_params.1', message: 'variável desconhecida: {{evento.data}}' }],
    });
  });

  it('rejects an unknown filter and a filter that does not fit the variable', async () => {
    const response = await api('POST', '/notification_templates', {
      name: 'Filtros',
      category: 'utility',
      text: '{{event.starts_at | data_extensa}}',
      sms: '{{client.name | moeda}}',
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().details).toEqual([
      {
        field: 'text',
        message:
          'filtro desconhecido: data_extensa em {{event.starts_at | data_extensa}} (filtros: data, hora, data_hora, dia_semana, moeda)',
      },
      { field: 'sms', message: 'o filtro moeda não se aplica a {{client.name}}' },
    ]);
  });

  it('checks variables again on edit', async () => {
    const template = await createTemplate({ text: 'Oi {{contact.first_name}}' });
    const response = await api('PATCH', `/notification_templates/${template.id}`, { text: 'Oi {{cliente.nome}}' });
    expect(response.statusCode).toBe(422);
    expect(response.json().details).toEqual([{ field: 'text', message: 'variável desconhecida: {{cliente.nome}}' }]);
  });

  it('lists the catalog with descriptions and examples for the editor', async () => {
    const response = await api('GET', '/notification_templates/variables', undefined, agent.tokenHeaders);
    expect(response.statusCode).toBe(200);
    const catalog = response.json();
    expect(catalog.variables).toContainEqual({
      path: 'event.starts_at',
      description: 'Início do evento (data e hora)',
      example: '08/06/2030 às 19:00',
      filters: ['data', 'hora', 'data_hora', 'dia_semana'],
    });
    expect(catalog.variables).toContainEqual(
      expect.objectContaining({ path: 'event.value', example: 'R$ 1.500,00', filters: ['moeda'] }),
    );
    expect(catalog.filters.map((filter: { name: string }) => filter.name)).toEqual([
      'data',
      'hora',
      'data_hora',
      'dia_semana',
      'moeda',
    ]);
  });
});

describe('preview', () => {
  it('renders a template for a real event and its client in pt-BR, in São Paulo time', async () => {
    const owner = await client('Beatriz Costa Lima');
    const booked = await api('POST', '/events', {
      title: 'Formatura Beatriz',
      client_id: owner.id,
      // A Saturday, 19:30 in São Paulo.
      starts_at: '2030-06-08T19:30:00-03:00',
      ends_at: '2030-06-09T01:00:00-03:00',
      location: { address: 'Av. Paulista', number: '1000', district: 'Bela Vista', city: 'São Paulo', state: 'SP' },
      value_cents: 123_456,
    });
    expect(booked.statusCode, booked.body).toBe(201);
    const template = await createTemplate({
      text: 'Oi {{client.first_name}}! {{event.title}}: {{event.starts_at | dia_semana}}, {{event.date}} às {{event.time}} ({{event.starts_at}}), em {{event.address}}. Valor: {{event.value}}.',
      sms: '{{event.city}} {{event.ends_at | hora}} {{event.status}}',
    });
    const response = await api('POST', `/notification_templates/${template.id}/preview`, {
      event_id: booked.json().id,
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({
      text: 'Oi Beatriz! Formatura Beatriz: sábado, 08/06/2030 às 19:30 (08/06/2030 às 19:30), em Av. Paulista, 1000 - Bela Vista - São Paulo/SP. Valor: R$ 1.234,56.',
      sms: 'São Paulo 01:00 agendado',
      whatsapp: null,
    });
  });

  it('renders example values for what was not given', async () => {
    const template = await createTemplate({ text: '{{contact.first_name}} / {{event.title}} / {{account.name}}' });
    const response = await api('POST', `/notification_templates/${template.id}/preview`, {});
    expect(response.statusCode).toBe(200);
    // The account's real name; the rest is the catalog's example.
    const account = await t.db.selectFrom('accounts').select('name').where('id', '=', 1).executeTakeFirstOrThrow();
    expect(response.json().text).toBe(`Maria / Casamento Silva / ${account.name}`);
  });

  it('renders an offer for the provider of an assignment, with its payloads', async () => {
    const owner = await client('Carla Dias');
    const booked = await api('POST', '/events', {
      title: 'Casamento Dias',
      client_id: owner.id,
      starts_at: '2030-07-13T18:00:00-03:00',
      ends_at: '2030-07-13T23:00:00-03:00',
    });
    const service = await t.db
      .insertInto('service_types')
      .values({ account_id: 1, name: unique('Garçom') })
      .returning(['id', 'name'])
      .executeTakeFirstOrThrow();
    const person = await contact('Pedro Alves', 1, '+5511912345678');
    const provider = await t.db
      .insertInto('providers')
      .values({ account_id: 1, contact_id: person.id, rating: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    const assignment = await t.db
      .insertInto('assignments')
      .values({
        account_id: 1,
        event_id: booked.json().id,
        provider_id: provider.id,
        service_type_id: service.id,
        status: 'offered',
        starts_at: new Date('2030-07-13T21:00:00Z'),
        ends_at: new Date('2030-07-14T02:00:00Z'),
        offered_at: new Date('2030-07-01T12:00:00Z'),
        expires_at: new Date('2030-07-01T12:30:00Z'),
        offer_token: 'tok123',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const response = await api('POST', '/notification_templates/preview', {
      template: {
        name: 'Oferta',
        category: 'utility',
        whatsapp: {
          template_name: 'oferta_vaga',
          body_params: ['{{provider.first_name}}', '{{assignment.service}}', '{{offer.expires_at | hora}}'],
          button_payloads: ['{{offer.accept_payload}}', '{{offer.decline_payload}}'],
        },
      },
      assignment_id: assignment.id,
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().whatsapp).toEqual({
      name: 'oferta_vaga',
      language: 'pt_BR',
      components: [
        {
          type: 'body',
          parameters: [
            { type: 'text', text: 'Pedro' },
            { type: 'text', text: service.name },
            { type: 'text', text: '09:30' },
          ],
        },
        {
          type: 'button',
          sub_type: 'quick_reply',
          index: '0',
          parameters: [{ type: 'payload', payload: `offer:${assignment.id}:tok123:accept` }],
        },
        {
          type: 'button',
          sub_type: 'quick_reply',
          index: '1',
          parameters: [{ type: 'payload', payload: `offer:${assignment.id}:tok123:decline` }],
        },
      ],
      // Nothing synced from Meta yet: no approved body to fill.
      body_text: null,
    });
    // An unsaved preview stores nothing.
    const stored = await t.db.selectFrom('notification_templates').select('id').where('name', '=', 'Oferta').execute();
    expect(stored).toEqual([]);
  });

  it('validates an unsaved template like a save', async () => {
    const response = await api('POST', '/notification_templates/preview', {
      template: { name: 'Rascunho', category: 'utility', text: 'Oi {{cliente.nome}}' },
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().details).toEqual([{ field: 'text', message: 'variável desconhecida: {{cliente.nome}}' }]);
  });

  it("answers 404 for another account's event, contact or assignment", async () => {
    const template = await createTemplate({ text: '{{event.title}}' });
    const foreignEvent = await eventInAccount(otherAccountId);
    const foreignContact = await contact('Alguém de lá', otherAccountId);
    const preview = (body: Record<string, number>) =>
      api('POST', `/notification_templates/${template.id}/preview`, body);
    expect((await preview({ event_id: foreignEvent.id })).statusCode).toBe(404);
    expect((await preview({ contact_id: foreignContact.id })).statusCode).toBe(404);
    expect((await preview({ assignment_id: 999_999 })).statusCode).toBe(404);
    const live = await api('POST', '/notification_templates/preview', {
      template: { name: 'x', category: 'utility', text: 'x' },
      event_id: foreignEvent.id,
    });
    expect(live.statusCode).toBe(404);
  });
});

// Runs last: once the account has synced templates from Meta, every WhatsApp variant is checked against them.
describe('against the WhatsApp templates synced from Meta', () => {
  beforeAll(async () => {
    const inbox = await createWhatsAppInbox(t);
    const synced = [
      { name: 'lembrete_evento', text: 'Olá {{1}}, seu evento é {{2}}.', buttons: null },
      { name: 'boas_vindas_nome', text: 'Bem-vinda, {{first_name}}!', format: 'NAMED', buttons: null },
      {
        name: 'oferta_vaga',
        text: 'Oi {{1}}, vaga de {{2}}. Responda até {{3}}.',
        buttons: [
          { type: 'QUICK_REPLY', text: 'Aceitar' },
          { type: 'QUICK_REPLY', text: 'Recusar' },
        ],
      },
    ];
    await t.db
      .insertInto('message_templates')
      .values(
        synced.map((template, index) => ({
          account_id: 1,
          inbox_id: inbox.id,
          external_id: String(2000 + index),
          name: template.name,
          language: 'pt_BR',
          status: 'APPROVED',
          category: 'UTILITY',
          parameter_format: template.format ?? 'POSITIONAL',
          components: JSON.stringify([
            { type: 'BODY', text: template.text },
            ...(template.buttons ? [{ type: 'BUTTONS', buttons: template.buttons }] : []),
          ]),
        })),
      )
      .execute();
  });

  it('rejects a template name Meta does not have', async () => {
    const response = await api('POST', '/notification_templates', {
      name: 'Inexistente',
      category: 'utility',
      whatsapp: { template_name: 'nao_existe', body_params: ['{{client.name}}'] },
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().details).toEqual([
      {
        field: 'whatsapp.template_name',
        message: 'o modelo nao_existe não está entre os modelos sincronizados da Meta',
      },
    ]);
  });

  it('rejects a language the template was not approved in', async () => {
    const response = await api('POST', '/notification_templates', {
      name: 'Em inglês',
      category: 'utility',
      whatsapp: { template_name: 'lembrete_evento', language: 'en_US', body_params: ['a', 'b'] },
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().details).toEqual([
      { field: 'whatsapp.language', message: 'o modelo lembrete_evento não existe no idioma en_US (idiomas: pt_BR)' },
    ]);
  });

  it('rejects body parameters that do not match the approved body', async () => {
    const response = await api('POST', '/notification_templates', {
      name: 'Faltando',
      category: 'utility',
      whatsapp: { template_name: 'lembrete_evento', body_params: ['{{client.first_name}}'] },
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().details).toEqual([
      { field: 'whatsapp.body_params', message: 'o modelo espera 2 parâmetro(s) no corpo; foram enviados 1' },
    ]);
  });

  it('accepts named parameters for a template Meta approved with names', async () => {
    await createTemplate({
      whatsapp: { template_name: 'boas_vindas_nome', body_params: { first_name: '{{contact.first_name}}' } },
    });
  });

  it("previews Meta's approved body with the parameters filled in", async () => {
    const template = await createTemplate({
      whatsapp: {
        template_name: 'lembrete_evento',
        body_params: ['{{client.first_name}}', '{{event.starts_at | data_hora}}'],
      },
    });
    const response = await api('POST', `/notification_templates/${template.id}/preview`, {});
    expect(response.statusCode).toBe(200);
    expect(response.json().whatsapp.body_text).toBe('Olá Maria, seu evento é 08/06/2030 às 19:00.');
  });

  it('accepts quick-reply payloads for the buttons Meta approved, and refuses one too many', async () => {
    const whatsapp = {
      template_name: 'oferta_vaga',
      body_params: ['{{provider.first_name}}', '{{assignment.service}}', '{{offer.expires_at | hora}}'],
      button_payloads: ['{{offer.accept_payload}}', '{{offer.decline_payload}}'],
    };
    await createTemplate({ whatsapp });
    const response = await api('POST', '/notification_templates', {
      name: 'Botões demais',
      category: 'utility',
      whatsapp: { ...whatsapp, button_payloads: [...whatsapp.button_payloads, 'extra'] },
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().details).toEqual([
      { field: 'whatsapp.button_payloads.2', message: 'o modelo não tem botão na posição 2' },
    ]);
  });
});
