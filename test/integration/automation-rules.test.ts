import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/accounts/password.js';
import { AUTOMATION_USER } from '../../src/automation/rules/actions/automation-user.js';
import { type FakeGraph, startFakeGraph } from '../helpers/fake-graph.js';
import { settleJobs } from '../helpers/settle-jobs.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createWhatsAppInbox, postWebhook, type TestInbox, textPayload, waitForWebhooks } from '../helpers/whatsapp.js';

/** A local receiver for send_webhook_event: records each POST, answers the scripted status (200 by default). */
async function startReceiver() {
  const received: Array<{ path: string; headers: IncomingHttpHeaders; body: string }> = [];
  const statuses = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      received.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(statuses.get(path) ?? 200);
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    answer: (path: string, status: number) => statuses.set(path, status),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let t: TestApp;
let graph: FakeGraph;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let inbox: TestInbox;
let admin: Awaited<ReturnType<TestApp['signIn']>>;

beforeAll(async () => {
  graph = await startFakeGraph();
  receiver = await startReceiver();
  t = await createTestApp({ env: { WHATSAPP_GRAPH_URL: graph.url } });
  inbox = await createWhatsAppInbox(t);
  admin = await t.signIn();
  await t.app.jobs.startWorker();
  t.app.jobs.startScheduler();
});
afterEach(async () => {
  // Each test owns its rules; jobs still pending from it find no rule and do nothing.
  await t.db.deleteFrom('automation_rules').where('account_id', '=', 1).execute();
});
afterAll(async () => {
  await t.close();
  await graph.close();
  await receiver.close();
});

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
const api = (method: Method, url: string, payload?: unknown, headers: Record<string, string> = admin.tokenHeaders) =>
  t.inject({
    method,
    url: `/api/v1/accounts/1${url}`,
    headers,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

let sequence = 0;
const unique = (prefix: string) => `${prefix}-${process.pid}-${++sequence}`;

async function createRule(body: Record<string, unknown>) {
  const response = await api('POST', '/automation_rules', { name: unique('Regra'), ...body });
  expect(response.statusCode, response.body).toBe(200);
  return response.json().payload as { id: number; webhook_secret?: string };
}

/** An incoming WhatsApp text from a new number; returns its conversation and message once processed. */
async function incoming(text: string) {
  sequence++;
  const from = `5531986${String(sequence).padStart(6, '0')}`;
  const response = await postWebhook(
    t,
    textPayload(inbox.phoneNumberId, { from, wamid: `wamid.auto-${process.pid}-${sequence}-${Date.now()}`, text }),
    inbox.appSecret,
  );
  expect(response.statusCode).toBe(200);
  await waitForWebhooks(t);
  const message = await t.db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .innerJoin('contact_inboxes', 'contact_inboxes.id', 'conversations.contact_inbox_id')
    .select(['messages.id as messageId', 'conversations.id', 'conversations.display_id as displayId'])
    .where('contact_inboxes.source_id', '=', from)
    .where('messages.message_type', '=', 0)
    .orderBy('messages.id', 'desc')
    .executeTakeFirstOrThrow();
  return message;
}

/** Waits until no business event job is waiting or running: every rule reaction (and its chain) is done. */
async function settle(timeoutMs = 20_000) {
  await settleJobs(t.db, {
    names: ['business_events.handle'],
    timeoutMs,
    scheduled: 'any',
    failOnDead: true,
    quietPolls: 3,
  });
}

const conversation = (id: number) =>
  t.db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const runsOf = async (ruleId: number) =>
  (await api('GET', `/automation_rules/${ruleId}/runs?page=1`)).json() as {
    meta: { count: number };
    payload: Array<{
      status: string;
      error: string | null;
      actions: Array<Record<string, unknown>>;
      context: Record<string, unknown>;
    }>;
  };

async function createTeam() {
  const response = await api('POST', '/teams', { name: unique('Vendas') });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as { id: number };
}

describe('managing rules', () => {
  it('creates, lists, shows, changes, clones and deletes a rule in Chatwoot’s shape', async () => {
    const body = {
      name: 'Etiquetar orçamentos',
      description: 'Mensagens que pedem orçamento',
      event_name: 'message_created',
      conditions: [
        { attribute_key: 'message_type', filter_operator: 'equal_to', values: ['incoming'], query_operator: 'AND' },
        { attribute_key: 'content', filter_operator: 'contains', values: ['orçamento'], query_operator: null },
      ],
      actions: [{ action_name: 'add_label', action_params: ['Orcamento'] }],
    };
    const created = await api('POST', '/automation_rules', body);
    expect(created.statusCode, created.body).toBe(200);
    const rule = created.json().payload;
    expect(rule).toMatchObject({
      account_id: 1,
      name: 'Etiquetar orçamentos',
      event_name: 'message_created',
      active: true,
      conditions: [
        { attribute_key: 'message_type', filter_operator: 'equal_to', values: ['incoming'], query_operator: 'and' },
        { attribute_key: 'content', filter_operator: 'contains', values: ['orçamento'], query_operator: 'and' },
      ],
      actions: [{ action_name: 'add_label', action_params: ['orcamento'] }],
    });
    expect(typeof rule.created_on).toBe('number');

    const list = (await api('GET', '/automation_rules')).json();
    expect(list.payload.map((item: { id: number }) => item.id)).toContain(rule.id);
    expect((await api('GET', `/automation_rules/${rule.id}`)).json().payload.name).toBe('Etiquetar orçamentos');

    const patched = await api('PATCH', `/automation_rules/${rule.id}`, { active: false, name: 'Orçamentos' });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().payload).toMatchObject({ active: false, name: 'Orçamentos', event_name: 'message_created' });

    const put = await api('PUT', `/automation_rules/${rule.id}`, { ...body, active: true });
    expect(put.json().payload).toMatchObject({ active: true, name: 'Etiquetar orçamentos' });

    const clone = await api('POST', `/automation_rules/${rule.id}/clone`);
    expect(clone.statusCode, clone.body).toBe(200);
    expect(clone.json().payload).toMatchObject({ name: 'Etiquetar orçamentos (cópia)', conditions: rule.conditions });
    expect(clone.json().payload.id).not.toBe(rule.id);

    expect((await api('DELETE', `/automation_rules/${rule.id}`)).statusCode).toBe(200);
    expect((await api('GET', `/automation_rules/${rule.id}`)).statusCode).toBe(404);
  });

  it('is for administrators only', async () => {
    const email = `${unique('agente')}@example.com`;
    const user = await t.app.services.users.createUser({
      name: 'Agente',
      email,
      passwordHash: await hashPassword('senha-do-agente-1'),
    });
    await t.app.services.users.addMembership({ accountId: 1, userId: user.id, role: 'agent' });
    const agent = await t.signIn(email, 'senha-do-agente-1');
    const response = await api('GET', '/automation_rules', undefined, agent.tokenHeaders);
    expect(response.statusCode).toBe(403);
  });

  it.each([
    ['an unknown event', { event_name: 'message_deleted' }, 'event_name'],
    [
      'an unknown operator',
      { conditions: [{ attribute_key: 'content', filter_operator: 'starts_with', values: ['oi'] }] },
      'conditions.0.filter_operator',
    ],
    [
      'an operator the attribute does not take',
      { conditions: [{ attribute_key: 'status', filter_operator: 'contains', values: ['open'] }] },
      'conditions.0.filter_operator',
    ],
    [
      'an attribute the event does not have',
      {
        event_name: 'event_created',
        conditions: [{ attribute_key: 'content', filter_operator: 'contains', values: ['x'] }],
      },
      'conditions.0.attribute_key',
    ],
    [
      'an unknown status value',
      { conditions: [{ attribute_key: 'status', filter_operator: 'equal_to', values: ['closed'] }] },
      'conditions.0.values',
    ],
    [
      'an unknown action',
      { actions: [{ action_name: 'send_email_to_team', action_params: [] }] },
      'actions.0.action_name',
    ],
    [
      'a message without text',
      { actions: [{ action_name: 'send_message', action_params: [] }] },
      'actions.0.action_params',
    ],
    [
      'a team that does not exist',
      { actions: [{ action_name: 'assign_team', action_params: [999999] }] },
      'actions.0.action_params.0',
    ],
    [
      'a dispatch on a message event',
      { actions: [{ action_name: 'start_dispatch', action_params: [{ service: 'Garçom', strategy: 'broadcast' }] }] },
      'actions.0.action_name',
    ],
    [
      'a webhook URL that is not http(s)',
      { actions: [{ action_name: 'send_webhook_event', action_params: ['ftp://x'] }] },
      'actions.0.action_params.0',
    ],
  ])('answers 422 naming the field for %s', async (_case, change, field) => {
    const response = await api('POST', '/automation_rules', {
      name: 'Inválida',
      event_name: 'message_created',
      conditions: [],
      actions: [{ action_name: 'add_label', action_params: ['x'] }],
      ...change,
    });
    expect(response.statusCode, response.body).toBe(422);
    expect(response.json().error).toBe('unprocessable');
    expect(response.json().details.map((detail: { field: string }) => detail.field)).toContain(field);
  });

  it('validates a PATCH against the whole rule', async () => {
    const rule = await createRule({
      event_name: 'event_created',
      actions: [{ action_name: 'create_deal', action_params: [] }],
    });
    const response = await api('PATCH', `/automation_rules/${rule.id}`, {
      conditions: [{ attribute_key: 'content', filter_operator: 'contains', values: ['x'] }],
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().details[0].field).toBe('conditions.0.attribute_key');
  });
});

describe('running rules', () => {
  it('message_created with content contains: labels the conversation, assigns the team and answers as Automação', async () => {
    const team = await createTeam();
    const rule = await createRule({
      event_name: 'message_created',
      conditions: [
        { attribute_key: 'content', filter_operator: 'contains', values: ['orçamento'], query_operator: 'and' },
      ],
      actions: [
        { action_name: 'add_label', action_params: ['orcamento'] },
        { action_name: 'assign_team', action_params: [team.id] },
        { action_name: 'send_message', action_params: ['Recebemos seu pedido de orçamento!'] },
      ],
    });
    const hit = await incoming('Olá, quero um ORCAMENTO para sábado');
    const miss = await incoming('Bom dia');
    await settle();

    const labelled = await conversation(hit.id);
    expect(labelled.labels).toContain('orcamento');
    expect(labelled.team_id).toBe(team.id);
    const reply = await t.db
      .selectFrom('messages')
      .innerJoin('users', 'users.id', 'messages.sender_id')
      .select(['messages.content', 'messages.sender_type', 'users.name', 'users.email'])
      .where('messages.conversation_id', '=', hit.id)
      .where('messages.message_type', '=', 1)
      .executeTakeFirstOrThrow();
    expect(reply).toMatchObject({
      content: 'Recebemos seu pedido de orçamento!',
      sender_type: 'user',
      name: AUTOMATION_USER.name,
      email: AUTOMATION_USER.email,
    });
    expect((await conversation(miss.id)).labels).not.toContain('orcamento');

    const runs = await runsOf(rule.id);
    expect(runs.meta.count).toBe(1);
    expect(runs.payload[0]).toMatchObject({
      status: 'success',
      context: { message_id: hit.messageId, conversation_id: hit.displayId },
    });
    expect(runs.payload[0]?.actions.map((action) => action.status)).toEqual(['done', 'done', 'done']);
  });

  it('combines conditions with AND and OR, AND first', async () => {
    // (festa AND sábado) OR casamento
    await createRule({
      event_name: 'message_created',
      conditions: [
        { attribute_key: 'content', filter_operator: 'contains', values: ['festa'], query_operator: 'and' },
        { attribute_key: 'content', filter_operator: 'contains', values: ['sábado'], query_operator: 'or' },
        { attribute_key: 'content', filter_operator: 'contains', values: ['casamento'], query_operator: null },
      ],
      actions: [{ action_name: 'change_priority', action_params: ['high'] }],
    });
    const both = await incoming('Festa no sabado à noite');
    const one = await incoming('Festa na sexta');
    const other = await incoming('Orçamento de casamento');
    await settle();
    expect((await conversation(both.id)).priority).toBe('high');
    expect((await conversation(one.id)).priority).toBeNull();
    expect((await conversation(other.id)).priority).toBe('high');
  });

  it('conversation_resolved: adds a private note and a label when an agent resolves', async () => {
    const rule = await createRule({
      event_name: 'conversation_resolved',
      conditions: [],
      actions: [
        { action_name: 'add_private_note', action_params: ['Encerrada: enviar pesquisa de satisfação'] },
        { action_name: 'add_label', action_params: ['encerrada'] },
      ],
    });
    const chat = await incoming('Obrigado pelo atendimento');
    await settle();
    expect((await runsOf(rule.id)).meta.count).toBe(0);
    const resolved = await api('POST', `/conversations/${chat.displayId}/toggle_status`, { status: 'resolved' });
    expect(resolved.statusCode, resolved.body).toBe(200);
    await settle();

    expect((await conversation(chat.id)).labels).toContain('encerrada');
    const note = await t.db
      .selectFrom('messages')
      .select(['content', 'private'])
      .where('conversation_id', '=', chat.id)
      .where('private', '=', true)
      .executeTakeFirstOrThrow();
    expect(note.content).toBe('Encerrada: enviar pesquisa de satisfação');
    expect((await runsOf(rule.id)).payload[0]).toMatchObject({
      status: 'success',
      context: { conversation_id: chat.displayId, source: 'conversation.status_changed' },
    });
  });

  it('event_created: opens a deal for the client, linked to the event and with its value', async () => {
    const person = await t.db
      .insertInto('contacts')
      .values({ account_id: 1, name: 'Maria Buffet', custom_attributes: '{}', additional_attributes: '{}' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const client = await t.db
      .insertInto('clients')
      .values({ account_id: 1, contact_id: person.id, address: '{}' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const rule = await createRule({
      event_name: 'event_created',
      conditions: [{ attribute_key: 'value_cents', filter_operator: 'is_greater_than', values: ['100000'] }],
      actions: [{ action_name: 'create_deal', action_params: [] }],
    });
    const booked = await api('POST', '/events', {
      title: 'Casamento Buffet',
      client_id: client.id,
      starts_at: '2031-03-01T19:00:00-03:00',
      ends_at: '2031-03-02T01:00:00-03:00',
      value_cents: 250_000,
    });
    expect(booked.statusCode, booked.body).toBe(201);
    const small = await api('POST', '/events', {
      title: 'Aniversário pequeno',
      client_id: client.id,
      starts_at: '2031-03-05T19:00:00-03:00',
      ends_at: '2031-03-05T23:00:00-03:00',
      value_cents: 50_000,
    });
    expect(small.statusCode, small.body).toBe(201);
    await settle();

    const deals = await t.db.selectFrom('deals').selectAll().where('contact_id', '=', person.id).execute();
    expect(deals).toHaveLength(1);
    expect(deals[0]).toMatchObject({
      title: 'Casamento Buffet',
      event_id: booked.json().id,
      value_cents: 250_000,
      status: 'open',
      owner_id: null,
    });
    expect((await runsOf(rule.id)).payload[0]).toMatchObject({
      status: 'success',
      context: { event_id: booked.json().id },
    });

    // One event reaching the rule twice at once (a retry racing a duplicate delivery): one deal only.
    const twice = await api('POST', '/events', {
      title: 'Formatura',
      client_id: client.id,
      starts_at: '2031-04-01T19:00:00-03:00',
      ends_at: '2031-04-02T01:00:00-03:00',
      value_cents: 300_000,
    });
    expect(twice.statusCode, twice.body).toBe(201);
    await settle();
    const recorded = await t.db
      .selectFrom('jobs')
      .select('payload')
      .where('name', '=', 'business_events.handle')
      .where(sql<string>`payload->>'listener'`, '=', 'automation.rules')
      .where(sql<string>`payload->'event'->'data'->>'id'`, '=', String(twice.json().id))
      .executeTakeFirstOrThrow();
    // As if the first delivery had not run yet: its run and deal removed, then the event arrives twice.
    await t.db.deleteFrom('deals').where('event_id', '=', twice.json().id).execute();
    await t.db
      .deleteFrom('automation_runs')
      .where(sql<string>`context->>'event_id'`, '=', String(twice.json().id))
      .execute();
    const { handler } = t.app.jobs.definition('business_events.handle');
    const context = () => ({
      jobId: 0,
      attempt: 2,
      maxAttempts: 10,
      signal: new AbortController().signal,
      logger: t.app.logger,
    });
    await Promise.all([handler(recorded.payload, context()), handler(recorded.payload, context())]);
    const again = await t.db.selectFrom('deals').select('id').where('event_id', '=', twice.json().id).execute();
    expect(again).toHaveLength(1);
  });

  it('event_created: starts the provider dispatch for the event', async () => {
    const service = await t.db
      .insertInto('service_types')
      .values({ account_id: 1, name: unique('Garçom') })
      .returning(['id', 'name'])
      .executeTakeFirstOrThrow();
    const providerContact = await t.db
      .insertInto('contacts')
      .values({
        account_id: 1,
        name: 'João Garçom',
        phone_number: '+5531999990001',
        custom_attributes: '{}',
        additional_attributes: '{}',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const provider = await t.db
      .insertInto('providers')
      .values({ account_id: 1, contact_id: providerContact.id, active: true, rating: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    await t.db
      .insertInto('provider_services')
      .values({ account_id: 1, provider_id: provider.id, service_type_id: service.id })
      .execute();
    const clientContact = await t.db
      .insertInto('contacts')
      .values({ account_id: 1, name: 'Cliente Festa', custom_attributes: '{}', additional_attributes: '{}' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const client = await t.db
      .insertInto('clients')
      .values({ account_id: 1, contact_id: clientContact.id, address: '{}' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const rule = await createRule({
      event_name: 'event_created',
      conditions: [],
      actions: [{ action_name: 'start_dispatch', action_params: [{ service: service.name, strategy: 'sequential' }] }],
    });
    const booked = await api('POST', '/events', {
      title: 'Formatura',
      client_id: client.id,
      starts_at: '2031-04-01T19:00:00-03:00',
      ends_at: '2031-04-01T23:00:00-03:00',
      staffing: [{ service: service.id, quantity: 1 }],
    });
    expect(booked.statusCode, booked.body).toBe(201);
    await settle();

    const [run] = (await runsOf(rule.id)).payload;
    expect(run, JSON.stringify(run)).toMatchObject({ status: 'success' });
    const dispatch = await t.db
      .selectFrom('dispatches')
      .selectAll()
      .where('event_id', '=', booked.json().id)
      .executeTakeFirstOrThrow();
    expect(dispatch).toMatchObject({ service_type_id: service.id, strategy: 'sequential' });
    expect(run?.actions[0]).toMatchObject({ action_name: 'start_dispatch', result: { dispatch_id: dispatch.id } });
  });

  it('stops a loop: a rule whose action changes the conversation does not retrigger itself', async () => {
    // Every snooze is a new change (a new end time), so without protection this would run forever.
    const rule = await createRule({
      event_name: 'conversation_updated',
      conditions: [],
      actions: [{ action_name: 'snooze_conversation', action_params: [60] }],
    });
    const chat = await incoming('Oi');
    await settle();
    const changed = await api('POST', `/conversations/${chat.displayId}/toggle_priority`, { priority: 'low' });
    expect(changed.statusCode, changed.body).toBe(200);
    await settle();

    const runs = await runsOf(rule.id);
    expect(runs.payload.map((run) => run.status)).toEqual(['skipped', 'success']);
    expect(runs.payload[0]?.error).toMatch(/mesma regra/);
    expect(runs.payload[0]?.context.performed_by).toMatchObject({ type: 'automation_rule', chain: [rule.id] });
    expect((await conversation(chat.id)).status).toBe('snoozed');
  });

  it('stops a chain of rules after 3 links', async () => {
    // Created last-first, so each rule only fires on the event its predecessor's action caused.
    const step = (has: string | null, adds: string) =>
      createRule({
        event_name: 'conversation_updated',
        conditions: [
          ...(has
            ? [{ attribute_key: 'labels', filter_operator: 'contains', values: [has], query_operator: 'and' }]
            : []),
          { attribute_key: 'labels', filter_operator: 'does_not_contain', values: [adds], query_operator: null },
        ],
        actions: [{ action_name: 'add_label', action_params: [adds] }],
      });
    const fourth = await step('elo-c', 'elo-d');
    await step('elo-b', 'elo-c');
    await step('elo-a', 'elo-b');
    await step(null, 'elo-a');
    const chat = await incoming('Oi');
    await settle();
    await api('POST', `/conversations/${chat.displayId}/toggle_priority`, { priority: 'medium' });
    await settle();

    const labels = (await conversation(chat.id)).labels;
    expect(labels).toEqual(expect.arrayContaining(['elo-a', 'elo-b', 'elo-c']));
    expect(labels).not.toContain('elo-d');
    const [stopped] = (await runsOf(fourth.id)).payload;
    expect(stopped).toMatchObject({ status: 'skipped' });
    expect(stopped?.error).toMatch(/mais de 3 regras/);
  });

  it('logs an action that fails as an error and still runs the others', async () => {
    receiver.answer('/falha', 500);
    const rule = await createRule({
      event_name: 'conversation_resolved',
      conditions: [],
      actions: [
        { action_name: 'send_message', action_params: ['Sua conversa foi encerrada.'] },
        { action_name: 'send_webhook_event', action_params: [`${receiver.url}/falha`] },
        { action_name: 'add_label', action_params: ['pos-venda'] },
      ],
    });
    const chat = await incoming('Pode encerrar');
    await settle();
    // Two days later the 24-hour window is closed: free text cannot go out.
    await t.db
      .updateTable('conversations')
      .set({ last_incoming_at: new Date(Date.now() - 2 * 86_400_000) })
      .where('id', '=', chat.id)
      .execute();
    await api('POST', `/conversations/${chat.displayId}/toggle_status`, { status: 'resolved' });
    await settle();

    const [run] = (await runsOf(rule.id)).payload;
    expect(run?.status).toBe('error');
    expect(run?.error).toMatch(/send_message: A janela de 24 horas está fechada/);
    expect(run?.error).toMatch(/send_webhook_event: .*HTTP 500/);
    expect(run?.actions.map((action) => action.status)).toEqual(['error', 'error', 'done']);
    expect((await conversation(chat.id)).labels).toContain('pos-venda');
  });

  it('send_webhook_event posts the conversation signed with the rule’s webhook_secret', async () => {
    const rule = await createRule({
      event_name: 'message_created',
      conditions: [{ attribute_key: 'content', filter_operator: 'contains', values: ['webhook-teste'] }],
      actions: [{ action_name: 'send_webhook_event', action_params: [`${receiver.url}/n8n`] }],
    });
    expect(rule.webhook_secret).toMatch(/^[0-9a-f]{64}$/);
    const chat = await incoming('webhook-teste por favor');
    await settle();
    const delivery = receiver.received.find((request) => request.path === '/n8n');
    expect(delivery).toBeDefined();
    const timestamp = String(delivery?.headers['x-chatwoot-timestamp']);
    const expected = createHmac('sha256', rule.webhook_secret ?? '')
      .update(`${timestamp}.${delivery?.body}`)
      .digest('hex');
    expect(delivery?.headers['x-chatwoot-signature']).toBe(`sha256=${expected}`);
    expect(JSON.parse(delivery?.body ?? '{}')).toMatchObject({
      event: 'automation_event.message_created',
      id: chat.messageId,
      content: 'webhook-teste por favor',
    });
  });
});

describe('dry run', () => {
  it('lists which rules would fire for a message, with each condition, without doing anything', async () => {
    const chat = await incoming('Quero orçamento de buffet');
    await settle();
    const matching = await createRule({
      event_name: 'message_created',
      conditions: [
        { attribute_key: 'content', filter_operator: 'contains', values: ['orcamento'], query_operator: 'and' },
        { attribute_key: 'status', filter_operator: 'equal_to', values: ['open'], query_operator: null },
      ],
      actions: [{ action_name: 'add_label', action_params: ['simulada'] }],
    });
    const notMatching = await createRule({
      event_name: 'message_created',
      conditions: [{ attribute_key: 'content', filter_operator: 'contains', values: ['cancelar'] }],
      actions: [{ action_name: 'resolve_conversation', action_params: [] }],
    });
    const otherEvent = await createRule({
      event_name: 'conversation_resolved',
      conditions: [],
      actions: [{ action_name: 'add_label', action_params: ['x'] }],
    });
    const messagesBefore = await t.db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('conversation_id', '=', chat.id)
      .executeTakeFirstOrThrow();

    const response = await api('POST', '/automation_rules/dry_run', { message_id: chat.messageId });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body.meta).toMatchObject({ event_names: ['message_created'], count: 2, firing: 1 });
    const byId = new Map(body.payload.map((rule: { rule_id: number }) => [rule.rule_id, rule]));
    expect(byId.has(otherEvent.id)).toBe(false);
    expect(byId.get(matching.id)).toMatchObject({
      would_fire: true,
      conditions: [
        { attribute_key: 'content', matched: true, actual: 'Quero orçamento de buffet' },
        { attribute_key: 'status', matched: true, actual: 'open' },
      ],
      actions: [{ action_name: 'add_label', action_params: ['simulada'] }],
    });
    expect(byId.get(notMatching.id)).toMatchObject({ would_fire: false, conditions: [{ matched: false }] });

    // Nothing happened: no label, no status change, no message, no run.
    await settle();
    const after = await conversation(chat.id);
    expect(after.labels).not.toContain('simulada');
    expect(after.status).toBe('open');
    const messagesAfter = await t.db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('conversation_id', '=', chat.id)
      .executeTakeFirstOrThrow();
    expect(messagesAfter.n).toBe(messagesBefore.n);
    expect((await runsOf(matching.id)).meta.count).toBe(0);

    const forConversation = await api('POST', '/automation_rules/dry_run', {
      conversation_id: chat.displayId,
      event_name: 'conversation_resolved',
    });
    expect(forConversation.json().payload.map((rule: { rule_id: number }) => rule.rule_id)).toEqual([otherEvent.id]);
  });

  it('needs exactly one of message_id, conversation_id or event_id', async () => {
    const response = await api('POST', '/automation_rules/dry_run', {});
    expect(response.statusCode).toBe(422);
    expect(response.json().details[0].field).toBe('message_id');
  });
});
