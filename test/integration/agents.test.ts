import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/accounts/password.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let admin: Awaited<ReturnType<TestApp['signIn']>>;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.signIn();
});
afterAll(async () => {
  await t.close();
});

const unique = () => Math.random().toString(36).slice(2, 8);

async function createAgent(body: Record<string, unknown>) {
  return t.inject({ method: 'POST', url: '/api/v1/accounts/1/agents', headers: admin.tokenHeaders, payload: body });
}

describe('agents (Chatwoot /api/v1/accounts/:id/agents)', () => {
  it('lists the account’s agents in Chatwoot’s shape', async () => {
    const response = await t.inject({ method: 'GET', url: '/api/v1/accounts/1/agents', headers: admin.tokenHeaders });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toContainEqual({
      id: admin.user.id,
      account_id: 1,
      availability_status: 'available',
      auto_offline: true,
      confirmed: true,
      email: 'admin@example.com',
      available_name: 'Administrador',
      name: 'Administrador',
      role: 'administrator',
      thumbnail: '',
      custom_role_id: null,
    });
  });

  it('creates an agent with a password who can then sign in as an agent', async () => {
    const email = `ana-${unique()}@example.com`;
    const created = await createAgent({ name: 'Ana', email, role: 'agent', password: 'senha-da-ana-1' });
    expect(created.statusCode).toBe(200);
    expect(created.json()).toMatchObject({ name: 'Ana', email, role: 'agent', account_id: 1, invitation_url: null });
    const session = await t.signIn(email, 'senha-da-ana-1');
    expect(session.user).toMatchObject({ role: 'agent', account_id: 1 });
  });

  it('invites an agent without a password through a single-use link', async () => {
    const email = `bia-${unique()}@example.com`;
    const created = await createAgent({ name: 'Bia', email, role: 'agent' });
    expect(created.json().confirmed).toBe(false);
    const url = new URL(created.json().invitation_url);
    expect(url.pathname).toBe('/definir-senha');
    const token = url.searchParams.get('token') ?? '';

    const tooShort = await t.inject({ method: 'POST', url: '/auth/password', payload: { token, password: 'curta' } });
    expect(tooShort.statusCode).toBe(422);
    const set = await t.inject({
      method: 'POST',
      url: '/auth/password',
      payload: { token, password: 'senha-da-bia-1' },
    });
    expect(set.statusCode).toBe(200);
    expect((await t.signIn(email, 'senha-da-bia-1')).user.role).toBe('agent');
    const reused = await t.inject({
      method: 'POST',
      url: '/auth/password',
      payload: { token, password: 'outra-senha-1' },
    });
    expect(reused.statusCode).toBe(404);
  });

  it('refuses an e-mail that is already an agent of the account', async () => {
    const response = await createAgent({ name: 'Dup', email: 'ADMIN@example.com', role: 'agent' });
    expect(response.statusCode).toBe(422);
    expect(response.json().details).toEqual([{ field: 'email', message: 'já cadastrado nesta conta' }]);
  });

  it('validates the body and names the bad fields', async () => {
    const response = await createAgent({ name: '', email: 'não é email', role: 'chefe', extra: 1 });
    expect(response.statusCode).toBe(400);
    const fields = response.json().details.map((problem: { field: string }) => problem.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'email', 'role', 'extra']));
  });

  it('changes a role, and the change is in the audit log with who, from which IP', async () => {
    const email = `caio-${unique()}@example.com`;
    const { id } = (await createAgent({ name: 'Caio', email, role: 'agent', password: 'senha-do-caio-1' })).json();
    const patched = await t.inject({
      method: 'PATCH',
      url: `/api/v1/accounts/1/agents/${id}`,
      headers: admin.tokenHeaders,
      payload: { role: 'administrator', availability_status: 'busy' },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ id, role: 'administrator', availability_status: 'busy' });
    const entry = await t.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'user.role_changed')
      .where('target_id', '=', String(id))
      .executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ account_id: 1, actor_user_id: admin.user.id, ip: '127.0.0.1' });
    expect(entry.details).toEqual({ from: 'agent', to: 'administrator' });
  });

  it('removes an agent from the account, who then no longer sees it', async () => {
    const email = `duda-${unique()}@example.com`;
    const { id } = (await createAgent({ name: 'Duda', email, role: 'agent', password: 'senha-da-duda-1' })).json();
    const duda = await t.signIn(email, 'senha-da-duda-1');
    const removed = await t.inject({
      method: 'DELETE',
      url: `/api/v1/accounts/1/agents/${id}`,
      headers: admin.tokenHeaders,
    });
    expect(removed.statusCode).toBe(200);
    const after = await t.inject({ method: 'GET', url: '/api/v1/accounts/1/agents', headers: duda.tokenHeaders });
    expect(after.statusCode).toBe(404);
  });

  it('keeps at least one administrator', async () => {
    // A separate account whose only administrator is the one signing in.
    const account = await t.app.services.users.createAccount(`Solo ${unique()}`);
    const email = `solo-${unique()}@example.com`;
    const user = await t.app.services.users.createUser({
      name: 'Solo',
      email,
      passwordHash: await hashPassword('senha-do-solo-1'),
    });
    await t.app.services.users.addMembership({ accountId: account.id, userId: user.id, role: 'administrator' });
    const solo = await t.signIn(email, 'senha-do-solo-1');
    const base = `/api/v1/accounts/${account.id}/agents/${user.id}`;

    const demote = await t.inject({
      method: 'PATCH',
      url: base,
      headers: solo.tokenHeaders,
      payload: { role: 'agent' },
    });
    expect(demote.statusCode).toBe(422);
    expect(demote.json().error).toBe('last_administrator');
    const remove = await t.inject({ method: 'DELETE', url: base, headers: solo.tokenHeaders });
    expect(remove.statusCode).toBe(422);
  });
});

describe('what agents may not do', () => {
  it('lets an agent list agents but not create, change or remove them (403)', async () => {
    const email = `eva-${unique()}@example.com`;
    const { id } = (await createAgent({ name: 'Eva', email, role: 'agent', password: 'senha-da-eva-1' })).json();
    const eva = await t.signIn(email, 'senha-da-eva-1');
    const headers = eva.tokenHeaders;
    expect((await t.inject({ method: 'GET', url: '/api/v1/accounts/1/agents', headers })).statusCode).toBe(200);
    const create = await t.inject({
      method: 'POST',
      url: '/api/v1/accounts/1/agents',
      headers,
      payload: { name: 'X', email: `x-${unique()}@example.com`, role: 'administrator' },
    });
    expect(create.statusCode).toBe(403);
    expect(create.json().error).toBe('forbidden');
    const promote = await t.inject({
      method: 'PATCH',
      url: `/api/v1/accounts/1/agents/${id}`,
      headers,
      payload: { role: 'administrator' },
    });
    expect(promote.statusCode).toBe(403);
    expect(
      (await t.inject({ method: 'DELETE', url: `/api/v1/accounts/1/agents/${admin.user.id}`, headers })).statusCode,
    ).toBe(403);
    expect((await t.inject({ method: 'GET', url: '/api/v1/accounts/1/audit_logs', headers })).statusCode).toBe(403);
    expect((await t.inject({ method: 'GET', url: '/api/v1/accounts/1/jobs', headers })).statusCode).toBe(403);
  });
});

describe('account scoping', () => {
  it('answers 404, never the data, for another account and for ids that are not accounts', async () => {
    const other = await t.app.services.users.createAccount('Outra empresa');
    const outsider = await t.app.services.users.createUser({
      name: 'Fora',
      email: `fora-${unique()}@example.com`,
      passwordHash: null,
    });
    await t.app.services.users.addMembership({ accountId: other.id, userId: outsider.id, role: 'administrator' });

    for (const url of [
      `/api/v1/accounts/${other.id}/agents`,
      `/api/v1/accounts/${other.id}/audit_logs`,
      `/api/v1/accounts/${other.id}/jobs`,
      '/api/v1/accounts/999999/agents',
      '/api/v1/accounts/abc/agents',
    ]) {
      const response = await t.inject({ method: 'GET', url, headers: admin.tokenHeaders });
      expect(response.statusCode, url).toBe(404);
      expect(response.body).not.toContain('Fora');
    }
    const patch = await t.inject({
      method: 'PATCH',
      url: `/api/v1/accounts/${other.id}/agents/${outsider.id}`,
      headers: admin.tokenHeaders,
      payload: { role: 'agent' },
    });
    expect(patch.statusCode).toBe(404);
    // And an agent id from another account is unknown inside ours.
    const crossId = await t.inject({
      method: 'PATCH',
      url: `/api/v1/accounts/1/agents/${outsider.id}`,
      headers: admin.tokenHeaders,
      payload: { role: 'agent' },
    });
    expect(crossId.statusCode).toBe(404);
  });
});
