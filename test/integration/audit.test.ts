import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const entries = (action: string) =>
  t.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id', 'desc').execute();

describe('the audit log', () => {
  it('records sign-ins and failed sign-ins with who, when and from which IP, without the password', async () => {
    await t.inject({
      method: 'POST',
      url: '/auth/sign_in',
      payload: { email: ADMIN.email, password: 'senha-errada-xyz' },
      remoteAddress: '203.0.113.7',
    });
    const session = await t.signIn(ADMIN.email, ADMIN.password, '203.0.113.8');
    const [failed] = await entries('auth.sign_in_failed');
    expect(failed).toMatchObject({
      account_id: 1,
      actor_user_id: session.user.id,
      ip: '203.0.113.7',
      details: { email: ADMIN.email },
    });
    expect(failed?.created_at).toBeInstanceOf(Date);
    const [signedIn] = await entries('auth.sign_in');
    expect(signedIn).toMatchObject({
      account_id: 1,
      actor_user_id: session.user.id,
      ip: '203.0.113.8',
      target_type: 'session',
    });
    const all = JSON.stringify(await t.db.selectFrom('audit_log').selectAll().execute());
    expect(all).not.toContain('senha-errada-xyz');
    expect(all).not.toContain(ADMIN.password);
    expect(all).not.toContain(session.token);
    expect(all).not.toContain(session.cookie);
  });

  it('records token creation by name, never the token', async () => {
    const session = await t.signIn();
    const created = await t.inject({
      method: 'POST',
      url: '/api/v1/profile/access_tokens',
      headers: session.tokenHeaders,
      payload: { name: 'n8n produção' },
    });
    const [entry] = await entries('token.created');
    expect(entry).toMatchObject({
      actor_user_id: session.user.id,
      target_type: 'access_token',
      details: { name: 'n8n produção' },
    });
    expect(JSON.stringify(entry)).not.toContain(created.json().token);
  });

  it('shows the account’s entries to administrators through the API', async () => {
    const session = await t.signIn();
    const response = await t.inject({
      method: 'GET',
      url: '/api/v1/accounts/1/audit_logs?action=auth.sign_in',
      headers: session.tokenHeaders,
    });
    expect(response.statusCode).toBe(200);
    const { payload } = response.json();
    expect(payload.length).toBeGreaterThan(0);
    expect(payload.every((entry: { action: string }) => entry.action === 'auth.sign_in')).toBe(true);
    expect(payload[0]).toMatchObject({ actor_name: 'Administrador' });
  });
});
