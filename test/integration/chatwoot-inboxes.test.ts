import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCredentials } from '../../src/inbox/inbox-credentials.js';
import { createLogCapture, createTestApp, FRONTEND_URL, type TestApp } from '../helpers/test-app.js';
import { postWebhook, textPayload } from '../helpers/whatsapp.js';

let t: TestApp;
let admin: Awaited<ReturnType<TestApp['signIn']>>;
let agent: Awaited<ReturnType<TestApp['signIn']>>;
const logs = createLogCapture();
/** Every secret handed to the API, to prove none comes back or reaches a log line. */
const secrets: string[] = [];

beforeAll(async () => {
  t = await createTestApp({ logs });
  admin = await t.signIn();
  const email = `agente-${Date.now()}@example.com`;
  await api('POST', '/agents', { name: 'Agente', email, role: 'agent', password: 'senha-do-agente-1' });
  agent = await t.signIn(email, 'senha-do-agente-1');
});
afterAll(async () => {
  await t.close();
});

function api(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  payload?: unknown,
  headers = admin.tokenHeaders,
) {
  return t.inject({
    method,
    url: `/api/v1/accounts/1${url}`,
    headers,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

let sequence = 0;
function whatsappInboxBody(overrides: Record<string, unknown> = {}) {
  sequence++;
  const suffix = `${process.pid}${sequence}${Math.floor(Math.random() * 1e4)}`;
  const config = {
    api_key: `EAAG-token-${suffix}`,
    phone_number_id: `77${suffix}`,
    business_account_id: `88${suffix}`,
    app_secret: `app-secret-${suffix}`,
    ...overrides,
  };
  secrets.push(config.api_key, config.app_secret);
  const phone = `+55119${String(10_000_000 + sequence * 7_919 + Math.floor(Math.random() * 1e6)).slice(0, 8)}`;
  return {
    name: `WhatsApp ${sequence}`,
    channel: { type: 'whatsapp', provider: 'whatsapp_cloud', phone_number: phone, provider_config: config },
  };
}

async function createInbox(overrides: Record<string, unknown> = {}) {
  const body = whatsappInboxBody(overrides);
  const response = await api('POST', '/inboxes', body);
  expect(response.statusCode, response.body).toBe(200);
  return { body, inbox: response.json(), config: body.channel.provider_config };
}

describe('creating a WhatsApp Cloud inbox', () => {
  it('answers Chatwoot’s inbox with the webhook URL and a generated verify token, never the credentials', async () => {
    const { body, inbox, config } = await createInbox();
    const digits = body.channel.phone_number.replace(/\D/g, '');
    expect(inbox).toMatchObject({
      account_id: 1,
      name: body.name,
      channel_type: 'Channel::Whatsapp',
      provider: 'whatsapp_cloud',
      phone_number: `+${digits}`,
      enable_auto_assignment: true,
      webhook_url: `${FRONTEND_URL}/webhooks/whatsapp/${digits}`,
      reauthorization_required: false,
      provider_config: {
        phone_number_id: config.phone_number_id,
        business_account_id: config.business_account_id,
        webhook_verify_token: expect.stringMatching(/^santana_/),
      },
    });
    secrets.push(inbox.provider_config.webhook_verify_token);
    expect(JSON.stringify(inbox)).not.toContain(config.api_key);
    expect(JSON.stringify(inbox)).not.toContain(config.app_secret);
    const stored = await t.db.selectFrom('inboxes').select('credentials').where('id', '=', inbox.id).executeTakeFirst();
    expect(stored?.credentials).not.toContain(config.app_secret);
  });

  it('accepts a webhook signed with the new inbox’s app secret and routes it to that inbox', async () => {
    const { inbox, config } = await createInbox();
    const payload = textPayload(config.phone_number_id, {
      from: '5531988887777',
      wamid: `wamid.in-${inbox.id}`,
      text: 'oi',
    });
    const path = new URL(inbox.webhook_url).pathname;
    expect((await postWebhook(t, payload, 'outro-segredo', path)).statusCode).toBe(401);
    expect((await postWebhook(t, payload, config.app_secret, path)).statusCode).toBe(200);
    const raw = await t.db
      .selectFrom('raw_webhooks')
      .select(['inbox_id', 'unroutable'])
      .where('body', 'like', `%wamid.in-${inbox.id}%`)
      .executeTakeFirstOrThrow();
    expect(raw).toEqual({ inbox_id: inbox.id, unroutable: false });
  });

  it('answers Meta’s verification handshake with the stored verify token (chosen or generated)', async () => {
    const chosen = `meu-token-${Date.now()}`;
    secrets.push(chosen);
    const { inbox } = await createInbox({ webhook_verify_token: chosen });
    expect(inbox.provider_config.webhook_verify_token).toBe(chosen);
    const path = new URL(inbox.webhook_url).pathname;
    const handshake = (token: string) =>
      t.inject({ method: 'GET', url: `${path}?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=4242` });
    const accepted = await handshake(chosen);
    expect(accepted.statusCode).toBe(200);
    expect(accepted.body).toBe('4242');
    expect((await handshake('errado')).statusCode).toBe(403);
  });

  it('refuses a phone_number_id that another inbox already uses, with a message', async () => {
    const { config } = await createInbox();
    const again = await api('POST', '/inboxes', whatsappInboxBody({ phone_number_id: config.phone_number_id }));
    expect(again.statusCode).toBe(422);
    expect(again.json()).toMatchObject({
      error: 'unprocessable',
      message: expect.stringContaining('phone_number_id'),
      details: [{ field: 'channel.provider_config.phone_number_id', message: 'já em uso' }],
    });
  });

  it('creates an API channel inbox without credentials or webhook URL', async () => {
    const created = await api('POST', '/inboxes', { name: 'Integração', channel: { type: 'api' } });
    expect(created.statusCode).toBe(200);
    expect(created.json()).toMatchObject({ channel_type: 'Channel::Api', provider_config: null, webhook_url: null });
    const patched = await api('PATCH', `/inboxes/${created.json().id}`, {
      channel: { provider_config: { api_key: 'x' } },
    });
    expect(patched.statusCode).toBe(422);
  });

  it('answers bad input with 400/422 JSON, never 500', async () => {
    const cases: Array<[unknown, number]> = [
      [{ name: 'Site', channel: { type: 'web_widget' } }, 400],
      [{ name: 'Sem canal' }, 400],
      [{ ...whatsappInboxBody(), channel: { ...whatsappInboxBody().channel, provider: '360dialog' } }, 400],
      [{ ...whatsappInboxBody(), channel: { ...whatsappInboxBody().channel, phone_number: 'abc' } }, 400],
      [{ name: '', channel: { type: 'api' } }, 400],
    ];
    const { app_secret: _dropped, ...withoutSecret } = whatsappInboxBody().channel.provider_config;
    cases.push([
      { name: 'Sem segredo', channel: { ...whatsappInboxBody().channel, provider_config: withoutSecret } },
      400,
    ]);
    for (const [payload, status] of cases) {
      const response = await api('POST', '/inboxes', payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(status);
      expect(response.json()).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    }
    const broken = await t.inject({
      method: 'POST',
      url: '/api/v1/accounts/1/inboxes',
      headers: { ...admin.tokenHeaders, 'content-type': 'application/json' },
      payload: '{"name":',
    });
    expect(broken.statusCode).toBe(400);
    expect((await api('GET', '/inboxes/abc')).statusCode).toBe(400);
  });
});

describe('updating and deleting an inbox', () => {
  it('renames, turns auto-assignment off, and a new token clears the reauthorization warning', async () => {
    const { inbox, config } = await createInbox();
    await t.app.services.inboxes.markReauthorizationRequired(inbox.id, 'Token expirado (190)');
    expect((await api('GET', `/inboxes/${inbox.id}`)).json()).toMatchObject({
      reauthorization_required: true,
      reauthorization_reason: 'Token expirado (190)',
    });
    const newToken = `EAAG-novo-${Date.now()}`;
    secrets.push(newToken);
    const patched = await api('PATCH', `/inboxes/${inbox.id}`, {
      name: 'Atendimento',
      enable_auto_assignment: false,
      channel: { provider_config: { api_key: newToken } },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({
      name: 'Atendimento',
      enable_auto_assignment: false,
      reauthorization_required: false,
      reauthorization_reason: null,
      provider_config: { webhook_verify_token: inbox.provider_config.webhook_verify_token },
    });
    expect(patched.body).not.toContain(newToken);
    const row = await t.app.services.inboxes.find(1, inbox.id);
    expect(row && openCredentials(t.app.services.box, row)).toMatchObject({
      access_token: newToken,
      app_secret: config.app_secret,
    });
  });

  it('switches webhook verification to a new app secret', async () => {
    const { inbox, config } = await createInbox();
    const newSecret = `novo-segredo-${Date.now()}`;
    secrets.push(newSecret);
    expect(
      (await api('PATCH', `/inboxes/${inbox.id}`, { channel: { provider_config: { app_secret: newSecret } } }))
        .statusCode,
    ).toBe(200);
    const payload = textPayload(config.phone_number_id, {
      from: '5531977776666',
      wamid: `wamid.s-${inbox.id}`,
      text: 'x',
    });
    expect((await postWebhook(t, payload, config.app_secret)).statusCode).toBe(401);
    expect((await postWebhook(t, payload, newSecret)).statusCode).toBe(200);
  });

  it('deletes an inbox and records create, update and delete in the audit log', async () => {
    const { inbox } = await createInbox();
    await api('PATCH', `/inboxes/${inbox.id}`, { name: 'Vai sair' });
    const deleted = await api('DELETE', `/inboxes/${inbox.id}`);
    expect(deleted.statusCode).toBe(200);
    expect((await api('GET', `/inboxes/${inbox.id}`)).statusCode).toBe(404);
    expect((await api('DELETE', `/inboxes/${inbox.id}`)).statusCode).toBe(404);
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['action', 'actor_user_id'])
      .where('target_type', '=', 'inbox')
      .where('target_id', '=', String(inbox.id))
      .orderBy('id')
      .execute();
    expect(audit).toEqual([
      { action: 'inbox.created', actor_user_id: admin.user.id },
      { action: 'inbox.updated', actor_user_id: admin.user.id },
      { action: 'inbox.deleted', actor_user_id: admin.user.id },
    ]);
  });
});

describe('inbox members', () => {
  it('adds, lists, replaces and removes members as sets', async () => {
    const { inbox } = await createInbox();
    const ids = (response: { json(): { payload: Array<{ id: number }> } }) =>
      response
        .json()
        .payload.map((member) => member.id)
        .sort((a, b) => a - b);
    const both = [admin.user.id, agent.user.id].sort((a, b) => a - b);

    const added = await api('POST', '/inbox_members', { inbox_id: inbox.id, user_ids: [agent.user.id] });
    expect(added.statusCode).toBe(200);
    expect(added.json().payload[0]).toMatchObject({ id: agent.user.id, role: 'agent', name: 'Agente' });
    expect(
      ids(await api('POST', '/inbox_members', { inbox_id: inbox.id, user_ids: [admin.user.id, agent.user.id] })),
    ).toEqual(both);
    expect(ids(await api('GET', `/inbox_members/${inbox.id}`))).toEqual(both);
    expect(
      ids(await api('PATCH', '/inbox_members', { inbox_id: String(inbox.id), user_ids: [agent.user.id] })),
    ).toEqual([agent.user.id]);
    const removed = await api('DELETE', '/inbox_members', { inbox_id: inbox.id, user_ids: [agent.user.id] });
    expect(removed.statusCode).toBe(200);
    expect(ids(await api('GET', `/inbox_members/${inbox.id}`))).toEqual([]);
    const audited = await t.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'inbox.members_changed')
      .where('target_id', '=', String(inbox.id))
      .orderBy('id')
      .execute();
    expect(audited.map((row) => row.details)).toEqual([
      { added: [agent.user.id], removed: [] },
      { added: [admin.user.id], removed: [] },
      { added: [], removed: [admin.user.id] },
      { added: [], removed: [agent.user.id] },
    ]);
  });

  it('refuses users who are not agents of this account', async () => {
    const { inbox } = await createInbox();
    const other = await t.app.services.users.createAccount('Outra');
    const outsider = await t.app.services.users.createUser({
      name: 'Fora',
      email: `fora-${Date.now()}@example.com`,
      passwordHash: null,
    });
    await t.app.services.users.addMembership({ accountId: other.id, userId: outsider.id, role: 'agent' });
    for (const userIds of [[outsider.id], [999_999]]) {
      const response = await api('POST', '/inbox_members', { inbox_id: inbox.id, user_ids: userIds });
      expect(response.statusCode).toBe(422);
      expect(response.json().details[0].field).toBe('user_ids');
    }
    expect((await api('GET', `/inbox_members/${inbox.id}`)).json().payload).toEqual([]);
  });

  it('shows agents only the inboxes they belong to, without the verify token', async () => {
    const { inbox: mine } = await createInbox();
    const { inbox: notMine } = await createInbox();
    await api('POST', '/inbox_members', { inbox_id: mine.id, user_ids: [agent.user.id] });
    const listed = await api('GET', '/inboxes', undefined, agent.tokenHeaders);
    expect(listed.statusCode).toBe(200);
    const ids = listed.json().payload.map((inbox: { id: number }) => inbox.id);
    expect(ids).toContain(mine.id);
    expect(ids).not.toContain(notMine.id);
    const shown = (await api('GET', `/inboxes/${mine.id}`, undefined, agent.tokenHeaders)).json();
    expect(shown.provider_config).not.toHaveProperty('webhook_verify_token');
    expect(JSON.stringify(listed.json())).not.toContain(mine.provider_config.webhook_verify_token);
    expect((await api('GET', `/inboxes/${notMine.id}`, undefined, agent.tokenHeaders)).statusCode).toBe(404);
    expect((await api('GET', `/inbox_members/${mine.id}`, undefined, agent.tokenHeaders)).statusCode).toBe(200);
    expect((await api('GET', `/inbox_members/${notMine.id}`, undefined, agent.tokenHeaders)).statusCode).toBe(404);
    const adminIds = (await api('GET', '/inboxes')).json().payload.map((inbox: { id: number }) => inbox.id);
    expect(adminIds).toEqual(expect.arrayContaining([mine.id, notMine.id]));
  });
});

describe('permissions and account scoping', () => {
  it('lets only administrators change inboxes and their members (403 for agents)', async () => {
    const { inbox } = await createInbox();
    const headers = agent.tokenHeaders;
    const attempts = [
      await api('POST', '/inboxes', { name: 'Agente cria', channel: { type: 'api' } }, headers),
      await api('PATCH', `/inboxes/${inbox.id}`, { name: 'Agente muda' }, headers),
      await api('DELETE', `/inboxes/${inbox.id}`, undefined, headers),
      await api('POST', '/inbox_members', { inbox_id: inbox.id, user_ids: [agent.user.id] }, headers),
      await api('PATCH', '/inbox_members', { inbox_id: inbox.id, user_ids: [] }, headers),
      await api('DELETE', '/inbox_members', { inbox_id: inbox.id, user_ids: [admin.user.id] }, headers),
    ];
    expect(attempts.map((response) => response.statusCode)).toEqual([403, 403, 403, 403, 403, 403]);
    expect((await api('GET', `/inboxes/${inbox.id}`)).json().name).toBe(inbox.name);
  });

  it('answers 404 for another account’s inbox, whichever account is in the path', async () => {
    const { inbox } = await createInbox();
    const other = await t.app.services.users.createAccount('Concorrente');
    await t.app.services.users.addMembership({ accountId: other.id, userId: admin.user.id, role: 'administrator' });
    t.app.services.memberships.forget(admin.user.id);
    const base = `/api/v1/accounts/${other.id}`;
    const requests = [
      t.inject({ method: 'GET', url: `${base}/inboxes/${inbox.id}`, headers: admin.tokenHeaders }),
      t.inject({
        method: 'PATCH',
        url: `${base}/inboxes/${inbox.id}`,
        headers: admin.tokenHeaders,
        payload: { name: 'x' },
      }),
      t.inject({ method: 'DELETE', url: `${base}/inboxes/${inbox.id}`, headers: admin.tokenHeaders }),
      t.inject({ method: 'GET', url: `${base}/inbox_members/${inbox.id}`, headers: admin.tokenHeaders }),
      t.inject({
        method: 'POST',
        url: `${base}/inbox_members`,
        headers: admin.tokenHeaders,
        payload: { inbox_id: inbox.id, user_ids: [admin.user.id] },
      }),
    ];
    for (const response of await Promise.all(requests)) {
      expect(response.statusCode, response.body).toBe(404);
      expect(response.json().error).toBe('not_found');
    }
    const list = await t.inject({ method: 'GET', url: `${base}/inboxes`, headers: admin.tokenHeaders });
    expect(list.json()).toEqual({ payload: [] });
    expect((await api('GET', `/inboxes/${inbox.id}`)).json().name).toBe(inbox.name);
  });
});

describe('API description', () => {
  it('describes the inbox, member, team, label and canned response routes in /api/openapi.json', async () => {
    const response = await t.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(response.statusCode).toBe(200);
    const paths = Object.keys(response.json().paths);
    for (const path of ['inboxes', 'inbox_members', 'teams/{team_id}/team_members', 'labels', 'canned_responses']) {
      expect(
        paths.some((candidate) => candidate.startsWith(`/api/v1/accounts/{account_id}/${path}`)),
        path,
      ).toBe(true);
    }
  });
});

describe('secrets', () => {
  it('never writes the access token, app secret or verify token to the logs or the audit log', async () => {
    expect(secrets.length).toBeGreaterThan(10);
    expect(logs.lines.length).toBeGreaterThan(0);
    const audit = JSON.stringify(await t.db.selectFrom('audit_log').select('details').execute());
    for (const secret of secrets) {
      expect(logs.text()).not.toContain(secret);
      expect(audit).not.toContain(secret);
    }
  });
});
