import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIMULATOR_WABA_ID } from '../../src/channels/simulator/simulator.service.js';
import { SIMULATOR_TEMPLATES } from '../../src/channels/simulator/simulator-templates.js';
import { eventually } from '../helpers/eventually.js';
import { type FakeGraph, startFakeGraph } from '../helpers/fake-graph.js';
import { freePort } from '../helpers/server-process.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createWhatsAppInbox, postWebhook, type TestInbox, textPayload, waitForWebhooks } from '../helpers/whatsapp.js';

let t: TestApp;
let graph: FakeGraph;
let inbox: TestInbox;
let admin: Awaited<ReturnType<TestApp['signIn']>>;

// Meta's listing shape (GET /{waba_id}/message_templates?fields=…), five templates over three pages.
const TEMPLATES = [
  {
    id: '1001',
    name: 'lembrete_evento',
    language: 'pt_BR',
    status: 'APPROVED',
    category: 'UTILITY',
    parameter_format: 'POSITIONAL',
    components: [{ type: 'BODY', text: 'Olá {{1}}, seu evento é {{2}}.' }],
  },
  {
    id: '1002',
    name: 'pedido_enviado',
    language: 'pt_BR',
    status: 'APPROVED',
    category: 'UTILITY',
    parameter_format: 'POSITIONAL',
    components: [
      { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::aW'] } },
      { type: 'BODY', text: 'Oi {{1}}, seu pedido saiu para entrega.' },
      { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Rastrear', url: 'https://loja.example/r/{{1}}' }] },
    ],
  },
  {
    id: '1003',
    name: 'boas_vindas_nome',
    language: 'pt_BR',
    status: 'APPROVED',
    category: 'MARKETING',
    parameter_format: 'NAMED',
    components: [{ type: 'BODY', text: 'Bem-vinda, {{first_name}}!' }],
  },
  {
    id: '1004',
    name: 'promocao_nova',
    language: 'pt_BR',
    status: 'PENDING',
    category: 'MARKETING',
    parameter_format: 'POSITIONAL',
    components: [{ type: 'BODY', text: 'Promoção para {{1}}' }],
  },
  {
    id: '1005',
    name: 'aviso_antigo',
    language: 'en_US',
    status: 'APPROVED',
    category: 'UTILITY',
    parameter_format: 'POSITIONAL',
    components: [{ type: 'BODY', text: 'Old notice' }],
  },
];

beforeAll(async () => {
  graph = await startFakeGraph();
  graph.setTemplates(TEMPLATES, 2);
  t = await createTestApp({ graphTimeoutMs: 2000, env: { WHATSAPP_GRAPH_URL: graph.url, SIMULATOR: 'off' } });
  inbox = await createWhatsAppInbox(t);
  admin = await t.signIn();
  await t.app.jobs.startWorker();
  t.app.jobs.startScheduler();
});
afterAll(async () => {
  await t.close();
  await graph.close();
});

const api = (method: 'GET' | 'POST', url: string, payload?: unknown, headers = admin.tokenHeaders) =>
  t.inject({
    method,
    url: `/api/v1/accounts/1${url}`,
    headers,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

const templateRows = (inboxId: number) =>
  t.db.selectFrom('message_templates').selectAll().where('inbox_id', '=', inboxId).orderBy('name').execute();
const inboxRow = (id: number) => t.db.selectFrom('inboxes').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

describe('syncing templates from Meta', () => {
  it('follows every page of the listing and stores each template (POST sync_templates, synchronous)', async () => {
    const before = graph.templateListings().length;
    const response = await api('POST', `/inboxes/${inbox.id}/sync_templates`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ message: 'Modelos sincronizados: 5.', count: 5 });
    const listings = graph.templateListings().slice(before);
    expect(listings.map((request) => request.path)).toEqual(Array(3).fill('/v24.0/WABA-1/message_templates'));
    expect(new URLSearchParams(listings[0]?.search).get('fields')).toBe(
      'name,language,status,category,components,id,parameter_format',
    );
    expect(listings.map((request) => new URLSearchParams(request.search).get('after'))).toEqual([
      null,
      Buffer.from('2').toString('base64url'),
      Buffer.from('4').toString('base64url'),
    ]);
    expect(listings[0]?.authorization).toBe('Bearer EAAG-test-token');
    const rows = await templateRows(inbox.id);
    expect(rows.map((row) => `${row.name}/${row.language}/${row.status}`)).toEqual([
      'aviso_antigo/en_US/APPROVED',
      'boas_vindas_nome/pt_BR/APPROVED',
      'lembrete_evento/pt_BR/APPROVED',
      'pedido_enviado/pt_BR/APPROVED',
      'promocao_nova/pt_BR/PENDING',
    ]);
    expect(rows.find((row) => row.name === 'pedido_enviado')).toMatchObject({
      account_id: 1,
      external_id: '1002',
      category: 'UTILITY',
      parameter_format: 'POSITIONAL',
    });
    expect((await inboxRow(inbox.id)).templates_synced_at).not.toBeNull();
  });

  it('lists the synced templates with what each needs when sent', async () => {
    const response = await api('GET', `/inboxes/${inbox.id}/message_templates`);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.sync_error).toBeNull();
    expect(new Date(body.synced_at).getTime()).toBeGreaterThan(Date.now() - 60_000);
    const shipped = body.payload.find((template: { name: string }) => template.name === 'pedido_enviado');
    expect(shipped).toMatchObject({
      language: 'pt_BR',
      status: 'APPROVED',
      category: 'UTILITY',
      components: TEMPLATES[1]?.components,
      parameters: {
        format: 'POSITIONAL',
        header: { format: 'IMAGE', parameters: ['image'] },
        body: ['1'],
        buttons: [{ index: 0, type: 'URL', text: 'Rastrear', parameter: 'required' }],
      },
    });
  });

  it('deletes templates Meta no longer lists and updates the ones that changed', async () => {
    graph.setTemplates(
      [
        ...TEMPLATES.slice(0, 3),
        { ...TEMPLATES[3], status: 'REJECTED' },
        {
          id: '1006',
          name: 'novo_aviso',
          language: 'pt_BR',
          status: 'APPROVED',
          components: [{ type: 'BODY', text: 'Oi' }],
        },
      ],
      2,
    );
    const idBefore = (await templateRows(inbox.id)).find((row) => row.name === 'lembrete_evento')?.id;
    const response = await api('POST', `/inboxes/${inbox.id}/sync_templates`);
    expect(response.json().count).toBe(5);
    const rows = await templateRows(inbox.id);
    expect(rows.map((row) => `${row.name}/${row.status}`)).toEqual([
      'boas_vindas_nome/APPROVED',
      'lembrete_evento/APPROVED',
      'novo_aviso/APPROVED',
      'pedido_enviado/APPROVED',
      'promocao_nova/REJECTED',
    ]);
    expect(rows.find((row) => row.name === 'lembrete_evento')?.id).toBe(idBefore);
    graph.setTemplates(TEMPLATES, 2);
    await api('POST', `/inboxes/${inbox.id}/sync_templates`);
  });

  it('syncs a WhatsApp inbox as soon as an administrator connects it through the API', async () => {
    const phoneNumberId = `77${Date.now()}`;
    const created = await api('POST', '/inboxes', {
      name: 'Nova caixa',
      channel: {
        type: 'whatsapp',
        provider: 'whatsapp_cloud',
        phone_number: `+55119${String(Date.now()).slice(-8)}`,
        provider_config: {
          api_key: 'EAAG-new-token',
          phone_number_id: phoneNumberId,
          business_account_id: 'WABA-NEW',
          app_secret: 'segredo-novo',
        },
      },
    });
    expect(created.statusCode).toBe(200);
    const id = created.json().id as number;
    const rows = await eventually(async () => {
      const found = await templateRows(id);
      return found.length === TEMPLATES.length ? found : undefined;
    });
    expect(rows.map((row) => row.name)).toContain('lembrete_evento');
    expect((await inboxRow(id)).templates_synced_at).not.toBeNull();
    const listing = graph.templateListings().find((request) => request.path.includes('WABA-NEW'));
    expect(listing?.authorization).toBe('Bearer EAAG-new-token');
  });

  it('describes both routes in /api/openapi.json', async () => {
    const spec = (await t.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/accounts/{account_id}/inboxes/{inbox_id}/sync_templates',
        '/api/v1/accounts/{account_id}/inboxes/{inbox_id}/message_templates',
      ]),
    );
  });

  it('keeps other accounts out (404) and lets only administrators sync (403)', async () => {
    const account = await t.db
      .insertInto('accounts')
      .values({ name: 'Outra empresa' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const foreign = await createWhatsAppInbox(t, { accountId: account.id });
    expect((await api('GET', `/inboxes/${foreign.id}/message_templates`)).statusCode).toBe(404);
    expect((await api('POST', `/inboxes/${foreign.id}/sync_templates`)).statusCode).toBe(404);
    expect(await templateRows(foreign.id)).toEqual([]);

    const email = `agente-${Date.now()}@example.com`;
    await api('POST', '/agents', { name: 'Ana', email, role: 'agent', password: 'senha-da-ana-123' });
    const agent = await t.signIn(email, 'senha-da-ana-123');
    const refused = await api('POST', `/inboxes/${inbox.id}/sync_templates`, undefined, agent.tokenHeaders);
    expect(refused.statusCode).toBe(403);
    expect((await api('GET', `/inboxes/${inbox.id}/message_templates`, undefined, agent.tokenHeaders)).statusCode).toBe(
      200,
    );
  });

  it('on error 190 marks the inbox as needing re-authorisation and records why the sync failed', async () => {
    const expired = await createWhatsAppInbox(t);
    graph.failTemplatesNext({
      status: 401,
      code: 190,
      title: 'Error validating access token',
      message: 'Error validating access token: Session has expired',
    });
    const response = await api('POST', `/inboxes/${expired.id}/sync_templates`);
    expect(response.statusCode).toBe(422);
    const reason =
      'Não foi possível sincronizar os modelos: O token de acesso do WhatsApp expirou ou foi revogado. Um administrador precisa reconectar a caixa de entrada.';
    expect(response.json()).toEqual({ error: 'unprocessable', message: reason });
    const row = await inboxRow(expired.id);
    expect(row.reauthorization_required_at).not.toBeNull();
    expect(row).toMatchObject({ templates_sync_error: reason, templates_synced_at: null });
    expect((await api('GET', `/inboxes/${expired.id}/message_templates`)).json()).toEqual({
      payload: [],
      synced_at: null,
      sync_error: reason,
    });
  });

  it('retries the sync job after a 5xx, then syncs and schedules the next day’s run once', async () => {
    const flaky = await createWhatsAppInbox(t);
    graph.failTemplatesNext({ status: 503, code: 2, title: 'Service temporarily unavailable' });
    const { id } = await t.app.jobs.enqueue('whatsapp.sync_templates', { inboxId: flaky.id }, { accountId: 1 });
    const job = () => t.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const retrying = await eventually(async () =>
      (await job()).attempts === 1 && (await job()).status === 'scheduled' ? job() : undefined,
    );
    expect(retrying.last_error).toContain('Service temporarily unavailable');
    expect((await inboxRow(flaky.id)).templates_sync_error).toMatch(/^Não foi possível sincronizar os modelos/);
    // Bring the backoff forward instead of waiting a minute.
    await t.db.updateTable('jobs').set({ run_at: sql`now()` }).where('id', '=', id).execute();
    t.app.jobs.scheduler.wakeAt(new Date());
    await eventually(async () => ((await job()).status === 'done' ? true : undefined));
    expect(await templateRows(flaky.id)).toHaveLength(5);
    expect(await inboxRow(flaky.id)).toMatchObject({ templates_sync_error: null, reauthorization_required_at: null });
    const daily = await t.db
      .selectFrom('jobs')
      .selectAll()
      .where('name', '=', 'whatsapp.sync_templates')
      .where('idempotency_key', 'like', `templates:${flaky.id}:daily:%`)
      .execute();
    expect(daily).toHaveLength(1);
    const hoursAway = ((daily[0]?.run_at.getTime() ?? 0) - Date.now()) / 3_600_000;
    expect(hoursAway).toBeGreaterThan(23.9);
    expect(hoursAway).toBeLessThanOrEqual(24);
    expect(daily[0]?.status).toBe('scheduled');
  });
});

let sequence = 0;
/** A conversation whose contact last wrote two days ago: only templates may go out. */
async function closedConversation() {
  sequence++;
  const from = `5521987${String(sequence).padStart(6, '0')}`;
  await postWebhook(
    t,
    textPayload(inbox.phoneNumberId, { from, wamid: `wamid.tpl-${sequence}-${Date.now()}`, text: 'Oi' }),
    inbox.appSecret,
  );
  await waitForWebhooks(t);
  const row = await t.db
    .selectFrom('conversations')
    .innerJoin('contact_inboxes', 'contact_inboxes.id', 'conversations.contact_inbox_id')
    .select(['conversations.id', 'conversations.display_id'])
    .where('contact_inboxes.source_id', '=', from)
    .executeTakeFirstOrThrow();
  await t.db
    .updateTable('conversations')
    .set({ last_incoming_at: sql`now() - interval '2 days'` })
    .where('id', '=', row.id)
    .execute();
  return { ...row, from };
}

const sendTemplate = (displayId: number, templateParams: Record<string, unknown>) =>
  api('POST', `/conversations/${displayId}/messages`, { content: 'modelo', template_params: templateParams });

async function nothingQueued(conversationId: number, run: () => Promise<void>) {
  const count = async () => ({
    messages: (await t.db.selectFrom('messages').select('id').where('conversation_id', '=', conversationId).execute())
      .length,
    sends: (await t.db.selectFrom('jobs').select('id').where('name', '=', 'whatsapp.send_message').execute()).length,
  });
  const before = await count();
  await run();
  expect(await count()).toEqual(before);
}

describe('sending a template', () => {
  it('refuses a wrong parameter count with 422 and queues nothing', async () => {
    const conversation = await closedConversation();
    await nothingQueued(conversation.id, async () => {
      const response = await sendTemplate(conversation.display_id, {
        name: 'lembrete_evento',
        language: 'pt_BR',
        processed_params: { body: { '1': 'Maria' } },
      });
      expect(response.statusCode).toBe(422);
      expect(response.json()).toEqual({
        error: 'template_parameters_invalid',
        message: 'Os parâmetros não conferem com o modelo "lembrete_evento" (pt_BR).',
        details: [{ field: 'template.body', message: 'o modelo espera 2 parâmetro(s) no corpo; foram enviados 1' }],
      });
    });
  });

  it('refuses an unknown template, another language, and one Meta has not approved', async () => {
    const conversation = await closedConversation();
    await nothingQueued(conversation.id, async () => {
      const unknown = await sendTemplate(conversation.display_id, { name: 'nao_existe', language: 'pt_BR' });
      expect(unknown.statusCode).toBe(422);
      expect(unknown.json()).toMatchObject({
        error: 'template_unavailable',
        message:
          'O modelo "nao_existe" (pt_BR) não existe nesta caixa de entrada. Sincronize os modelos com a Meta e tente de novo.',
      });
      const english = await sendTemplate(conversation.display_id, {
        name: 'lembrete_evento',
        language: 'en_US',
        processed_params: { body: { '1': 'Mary', '2': 'tomorrow' } },
      });
      expect(english.json().error).toBe('template_unavailable');
      const pending = await sendTemplate(conversation.display_id, {
        name: 'promocao_nova',
        language: 'pt_BR',
        processed_params: { body: { '1': 'Maria' } },
      });
      expect(pending.statusCode).toBe(422);
      expect(pending.json().message).toContain('não está aprovado pela Meta (situação: PENDING)');
    });
  });

  it('sends a template with a media header and a URL button as the Graph API expects', async () => {
    const conversation = await closedConversation();
    const response = await sendTemplate(conversation.display_id, {
      name: 'pedido_enviado',
      language: 'pt_BR',
      processed_params: {
        header: { media_type: 'image', media_url: 'https://loja.example/pedido.jpg' },
        body: { '1': 'Maria' },
        buttons: [{ type: 'url', parameter: 'PED123' }],
      },
    });
    expect(response.statusCode).toBe(200);
    const sent = await eventually(async () =>
      graph.sends().find((request) => (request.body as { to?: string }).to === conversation.from),
    );
    expect(sent.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: conversation.from,
      type: 'template',
      template: {
        name: 'pedido_enviado',
        language: { code: 'pt_BR' },
        components: [
          { type: 'header', parameters: [{ type: 'image', image: { link: 'https://loja.example/pedido.jpg' } }] },
          { type: 'body', parameters: [{ type: 'text', text: 'Maria' }] },
          { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'PED123' }] },
        ],
      },
    });
  });

  it('sends named parameters with their names', async () => {
    const conversation = await closedConversation();
    const missing = await sendTemplate(conversation.display_id, {
      name: 'boas_vindas_nome',
      language: 'pt_BR',
      processed_params: { body: { nome: 'Maria' } },
    });
    expect(missing.json().details).toEqual([
      { field: 'template.body', message: 'faltam os parâmetros first_name' },
      { field: 'template.body', message: 'parâmetros que o modelo não tem: nome' },
    ]);
    const response = await sendTemplate(conversation.display_id, {
      name: 'boas_vindas_nome',
      language: 'pt_BR',
      processed_params: { body: { first_name: 'Maria' } },
    });
    expect(response.statusCode).toBe(200);
    const sent = await eventually(async () =>
      graph.sends().find((request) => (request.body as { to?: string }).to === conversation.from),
    );
    expect((sent.body as { template: unknown }).template).toEqual({
      name: 'boas_vindas_nome',
      language: { code: 'pt_BR' },
      components: [{ type: 'body', parameters: [{ type: 'text', parameter_name: 'first_name', text: 'Maria' }] }],
    });
  });
});

describe('the simulator inbox', () => {
  let sim: TestApp;

  beforeAll(async () => {
    const port = await freePort();
    sim = await createTestApp({ env: { PORT: String(port), HOST: '127.0.0.1', SIMULATOR: 'on' } });
    await sim.app.start();
  });
  afterAll(async () => {
    await sim.close();
  });

  it('syncs its templates from the fake Graph API at start, once however many processes start', async () => {
    const simulatorInbox = await sim.db
      .selectFrom('inboxes')
      .selectAll()
      .where('business_account_id', '=', SIMULATOR_WABA_ID)
      .executeTakeFirstOrThrow();
    const rows = await eventually(async () => {
      const found = await sim.db
        .selectFrom('message_templates')
        .selectAll()
        .where('inbox_id', '=', simulatorInbox.id)
        .execute();
      return found.length === SIMULATOR_TEMPLATES.length ? found : undefined;
    });
    expect(rows.map((row) => row.name).sort()).toEqual(SIMULATOR_TEMPLATES.map((template) => template.name).sort());
    expect(rows.every((row) => row.status === 'APPROVED' && row.account_id === 1)).toBe(true);
    expect(await sim.app.services.templateSyncSchedule.enqueueAtStartup()).toBe(0);
  });
});
