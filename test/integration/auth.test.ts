import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createTestApp, FRONTEND_URL, sessionCookie, type TestApp } from '../helpers/test-app.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('POST /auth/sign_in', () => {
  it('returns the Chatwoot user shape, a session access token and an HttpOnly SameSite cookie', async () => {
    const response = await t.inject({ method: 'POST', url: '/auth/sign_in', payload: ADMIN });
    expect(response.statusCode).toBe(200);
    const { data } = response.json();
    expect(data).toMatchObject({
      email: ADMIN.email,
      account_id: 1,
      role: 'administrator',
      accounts: [{ id: 1, role: 'administrator' }],
    });
    expect(typeof data.id).toBe('number');
    expect(data.access_token).toMatch(/^st_[A-Za-z0-9_-]{40,}$/);
    const cookie = response.cookies.find((candidate) => candidate.name === 'santana_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie?.maxAge).toBeGreaterThan(0);
  });

  it('answers 401 with the same message for a wrong password and for an unknown e-mail', async () => {
    const wrongPassword = await t.inject({
      method: 'POST',
      url: '/auth/sign_in',
      payload: { email: ADMIN.email, password: 'nope' },
      remoteAddress: '10.0.0.1',
    });
    const unknownEmail = await t.inject({
      method: 'POST',
      url: '/auth/sign_in',
      payload: { email: 'ninguem@example.com', password: 'nope' },
      remoteAddress: '10.0.0.1',
    });
    expect(wrongPassword.statusCode).toBe(401);
    expect(unknownEmail.statusCode).toBe(401);
    expect(wrongPassword.json()).toEqual(unknownEmail.json());
    expect(wrongPassword.json().error).toBe('invalid_credentials');
  });

  it('rotates the session at every sign-in', async () => {
    const first = await t.signIn();
    const second = await t.signIn();
    expect(first.cookie).not.toBe(second.cookie);
    expect(first.token).not.toBe(second.token);
  });

  it('refuses the 11th attempt after 10 failures from one IP within a minute', async () => {
    const attempt = (email: string) =>
      t.inject({
        method: 'POST',
        url: '/auth/sign_in',
        payload: { email, password: 'errada' },
        remoteAddress: '10.9.9.9',
      });
    for (let i = 0; i < 10; i++) expect((await attempt(`pessoa${i}@example.com`)).statusCode).toBe(401);
    const blocked = await attempt('outra@example.com');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().error).toBe('too_many_requests');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // Even the right password is refused from that IP until the minute passes.
    const right = await t.inject({ method: 'POST', url: '/auth/sign_in', payload: ADMIN, remoteAddress: '10.9.9.9' });
    expect(right.statusCode).toBe(429);
  });

  it('refuses the 11th attempt after 10 failures for one e-mail from many IPs', async () => {
    const email = 'alvo@example.com';
    for (let i = 0; i < 10; i++) {
      const response = await t.inject({
        method: 'POST',
        url: '/auth/sign_in',
        payload: { email, password: 'errada' },
        remoteAddress: `10.1.0.${i + 1}`,
      });
      expect(response.statusCode).toBe(401);
    }
    const blocked = await t.inject({
      method: 'POST',
      url: '/auth/sign_in',
      payload: { email: email.toUpperCase(), password: 'errada' },
      remoteAddress: '10.1.1.1',
    });
    expect(blocked.statusCode).toBe(429);
  });

  it('rejects a sign-in form posted from another origin', async () => {
    const response = await t.inject({
      method: 'POST',
      url: '/auth/sign_in',
      payload: ADMIN,
      headers: { origin: 'https://evil.example' },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().error).toBe('csrf_rejected');
  });
});

describe('authenticating /api/v1 requests', () => {
  it('accepts the api_access_token header, the Api-Access-Token form, a Bearer header and the cookie', async () => {
    const session = await t.signIn();
    const ways = [
      { api_access_token: session.token },
      { 'Api-Access-Token': session.token },
      { authorization: `Bearer ${session.token}` },
      { cookie: `santana_session=${session.cookie}` },
    ];
    for (const headers of ways) {
      const response = await t.inject({ method: 'GET', url: '/api/v1/profile', headers });
      expect(response.statusCode, JSON.stringify(Object.keys(headers))).toBe(200);
      expect(response.json().email).toBe(ADMIN.email);
    }
  });

  it('answers 401 without credentials or with an unknown token', async () => {
    expect((await t.inject({ method: 'GET', url: '/api/v1/profile' })).statusCode).toBe(401);
    const unknown = await t.inject({ method: 'GET', url: '/api/v1/profile', headers: { api_access_token: 'st_nope' } });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json()).toMatchObject({ error: 'unauthorized' });
  });

  it('gives the profile in Chatwoot shape with the caller’s access token', async () => {
    const session = await t.signIn();
    const byCookie = await t.inject({
      method: 'GET',
      url: '/api/v1/profile',
      headers: { cookie: `santana_session=${session.cookie}` },
    });
    expect(byCookie.json()).toMatchObject({
      id: session.user.id,
      email: ADMIN.email,
      access_token: session.token,
      account_id: 1,
      role: 'administrator',
      provider: 'email',
      type: 'User',
      accounts: [{ id: 1, role: 'administrator', status: 'active' }],
    });
  });

  it('needs a same-origin Origin for cookie requests that change state, but not for token requests', async () => {
    const session = await t.signIn();
    const body = { name: 'n8n' };
    const noOrigin = await t.inject({
      method: 'POST',
      url: '/api/v1/profile/access_tokens',
      headers: { cookie: `santana_session=${session.cookie}` },
      payload: body,
    });
    expect(noOrigin.statusCode).toBe(403);
    expect(noOrigin.json().error).toBe('csrf_rejected');
    const foreign = await t.inject({
      method: 'POST',
      url: '/api/v1/profile/access_tokens',
      headers: { cookie: `santana_session=${session.cookie}`, origin: 'https://evil.example' },
      payload: body,
    });
    expect(foreign.statusCode).toBe(403);
    const sameOrigin = await t.inject({
      method: 'POST',
      url: '/api/v1/profile/access_tokens',
      headers: { cookie: `santana_session=${session.cookie}`, origin: FRONTEND_URL },
      payload: body,
    });
    expect(sameOrigin.statusCode).toBe(201);
    const byToken = await t.inject({
      method: 'POST',
      url: '/api/v1/profile/access_tokens',
      headers: session.tokenHeaders,
      payload: body,
    });
    expect(byToken.statusCode).toBe(201);
  });
});

describe('sessions', () => {
  it('sign-out revokes the cookie session and its access token', async () => {
    const session = await t.signIn();
    const out = await t.inject({ method: 'POST', url: '/auth/sign_out', headers: session.cookieHeaders });
    expect(out.statusCode).toBe(200);
    const cleared = out.cookies.find((cookie) => cookie.name === 'santana_session');
    expect(cleared?.value).toBe('');
    const byCookie = await t.inject({
      method: 'GET',
      url: '/api/v1/profile',
      headers: { cookie: `santana_session=${session.cookie}` },
    });
    expect(byCookie.statusCode).toBe(401);
    const byToken = await t.inject({ method: 'GET', url: '/api/v1/profile', headers: session.tokenHeaders });
    expect(byToken.statusCode).toBe(401);
  });

  it('expires a session left idle for more than a day', async () => {
    const session = await t.signIn();
    await sql`UPDATE sessions SET last_seen_at = now() - interval '25 hours' WHERE revoked_at IS NULL AND id = (SELECT max(id) FROM sessions)`.execute(
      t.db,
    );
    const response = await t.inject({
      method: 'GET',
      url: '/api/v1/profile',
      headers: { cookie: `santana_session=${session.cookie}` },
    });
    expect(response.statusCode).toBe(401);
  });

  it('expires a session past its absolute lifetime even when it is used', async () => {
    const session = await t.signIn();
    await sql`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id = (SELECT max(id) FROM sessions)`.execute(
      t.db,
    );
    const response = await t.inject({ method: 'GET', url: '/api/v1/profile', headers: session.tokenHeaders });
    expect(response.statusCode).toBe(401);
  });
});

describe('personal API tokens', () => {
  it('shows a new token once, stores only its hash, and stops accepting it once revoked', async () => {
    const session = await t.signIn();
    const created = await t.inject({
      method: 'POST',
      url: '/api/v1/profile/access_tokens',
      headers: session.tokenHeaders,
      payload: { name: 'Integração n8n' },
    });
    expect(created.statusCode).toBe(201);
    const { id, token } = created.json();
    expect(token).toMatch(/^st_/);

    const stored = await t.db.selectFrom('access_tokens').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(token);
    expect(JSON.stringify(stored)).not.toContain(token);

    const list = await t.inject({ method: 'GET', url: '/api/v1/profile/access_tokens', headers: session.tokenHeaders });
    expect(list.body).not.toContain(token);
    expect(list.json().payload).toContainEqual(
      expect.objectContaining({ id, name: 'Integração n8n', token_hint: token.slice(-4) }),
    );

    const used = await t.inject({ method: 'GET', url: '/api/v1/profile', headers: { api_access_token: token } });
    expect(used.statusCode).toBe(200);
    expect(used.json().access_token).toBe(token);

    // A personal token outlives the browser session that created it.
    await t.inject({ method: 'POST', url: '/auth/sign_out', headers: session.cookieHeaders });
    expect(
      (await t.inject({ method: 'GET', url: '/api/v1/profile', headers: { api_access_token: token } })).statusCode,
    ).toBe(200);

    const revoked = await t.inject({
      method: 'DELETE',
      url: `/api/v1/profile/access_tokens/${id}`,
      headers: { api_access_token: token },
    });
    expect(revoked.statusCode).toBe(200);
    expect(
      (await t.inject({ method: 'GET', url: '/api/v1/profile', headers: { api_access_token: token } })).statusCode,
    ).toBe(401);
  });
});

describe('passwords', () => {
  it('stores argon2id hashes with at least 19 MiB of memory and 2 iterations', async () => {
    const user = await t.db
      .selectFrom('users')
      .select('password_hash')
      .where('email', '=', ADMIN.email)
      .executeTakeFirstOrThrow();
    const [, algorithm, , params] = (user.password_hash ?? '').split('$');
    expect(algorithm).toBe('argon2id');
    const settings = Object.fromEntries((params ?? '').split(',').map((pair) => pair.split('=')));
    expect(Number(settings.m)).toBeGreaterThanOrEqual(19 * 1024);
    expect(Number(settings.t)).toBeGreaterThanOrEqual(2);
  });

  it('changing the password through the profile ends the other sessions', async () => {
    const other = await t.signIn();
    const me = await t.signIn();
    const changed = await t.inject({
      method: 'PUT',
      url: '/api/v1/profile',
      headers: me.tokenHeaders,
      payload: {
        profile: {
          current_password: ADMIN.password,
          password: 'nova-senha-456',
          password_confirmation: 'nova-senha-456',
        },
      },
    });
    expect(changed.statusCode).toBe(200);
    expect((await t.inject({ method: 'GET', url: '/api/v1/profile', headers: other.tokenHeaders })).statusCode).toBe(
      401,
    );
    const again = await t.inject({
      method: 'POST',
      url: '/auth/sign_in',
      payload: { email: ADMIN.email, password: 'nova-senha-456' },
    });
    expect(again.statusCode).toBe(200);
    sessionCookie(again);
    // Put the original password back for the other tests in this file.
    await t.app.services.auth.setPassword(again.json().data.id, ADMIN.password);
  });

  it('refuses a profile password change with a wrong current password', async () => {
    const me = await t.signIn();
    const response = await t.inject({
      method: 'PUT',
      url: '/api/v1/profile',
      headers: me.tokenHeaders,
      payload: { profile: { current_password: 'errada', password: 'outra-senha-789' } },
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().details).toEqual([{ field: 'current_password', message: 'incorreta' }]);
  });
});
