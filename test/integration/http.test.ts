import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogCapture, createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let admin: Awaited<ReturnType<TestApp['signIn']>>;
const logs = createLogCapture();

beforeAll(async () => {
  t = await createTestApp({ logs });
  admin = await t.signIn();
});
afterAll(async () => {
  await t.close();
});

const jsonPost = (url: string, payload: string, headers: Record<string, string> = {}) =>
  t.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json', ...headers } });

describe('bad input gets a clear 4xx, never a 500', () => {
  it('answers 400 invalid_json to malformed JSON', async () => {
    const response = await jsonPost('/auth/sign_in', '{"email": "a@b.c", "password": ');
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'invalid_json', message: 'O corpo da requisição não é um JSON válido.' });
  });

  it('answers 400 naming the field when a type is wrong', async () => {
    const response = await jsonPost('/auth/sign_in', JSON.stringify({ email: 42, password: 'x' }));
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      error: 'validation_failed',
      details: [expect.objectContaining({ field: 'email' })],
    });
    expect(response.json().message).toContain('email');
  });

  it('answers 400 naming an unknown field', async () => {
    const response = await jsonPost('/auth/sign_in', JSON.stringify({ email: 'a@b.c', password: 'x', admin: true }));
    expect(response.statusCode).toBe(400);
    expect(response.json().details).toContainEqual({ field: 'admin', message: 'campo desconhecido' });
  });

  it('answers 400 naming a missing field', async () => {
    const response = await jsonPost('/auth/sign_in', JSON.stringify({ email: 'a@b.c' }));
    expect(response.statusCode).toBe(400);
    expect(response.json().details).toContainEqual(expect.objectContaining({ field: 'password' }));
  });

  it('answers 413 to a body over the limit', async () => {
    const big = JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(1_100_000) });
    const response = await jsonPost('/auth/sign_in', big);
    expect(response.statusCode).toBe(413);
    expect(response.json().error).toBe('payload_too_large');
  });

  it('answers 415 to a content type it does not take', async () => {
    const response = await t.inject({
      method: 'POST',
      url: '/auth/sign_in',
      payload: 'email=a',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.statusCode).toBe(415);
    expect(response.json().error).toBe('unsupported_media_type');
  });

  it('answers 400 to a path id that is not a number', async () => {
    const response = await t.inject({
      method: 'PATCH',
      url: '/api/v1/accounts/1/agents/abc',
      headers: admin.tokenHeaders,
      payload: {},
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().details).toContainEqual(expect.objectContaining({ field: 'agent_id' }));
  });

  it('answers JSON 404 to an unknown API route', async () => {
    const response = await t.inject({ method: 'GET', url: '/api/v1/nada', headers: admin.tokenHeaders });
    expect(response.statusCode).toBe(404);
    expect(response.json().error).toBe('not_found');
  });

  it('never shows a stack trace', async () => {
    const responses = await Promise.all([
      jsonPost('/auth/sign_in', '{'),
      jsonPost('/auth/sign_in', '[]'),
      jsonPost('/auth/sign_in', 'null'),
      t.inject({ method: 'POST', url: '/auth/sign_in', payload: '', headers: { 'content-type': 'application/json' } }),
    ]);
    for (const response of responses) {
      expect(response.statusCode).toBeGreaterThanOrEqual(400);
      expect(response.statusCode).toBeLessThan(500);
      expect(response.body).not.toMatch(/at .*\.(ts|js):\d+/);
      expect(response.json()).toHaveProperty('message');
    }
  });
});

describe('request ids', () => {
  it('returns a request id and keeps a well-formed incoming one', async () => {
    const generated = await t.inject({ method: 'GET', url: '/livez' });
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await t.inject({ method: 'GET', url: '/livez', headers: { 'x-request-id': 'nginx-abc-12345' } });
    expect(kept.headers['x-request-id']).toBe('nginx-abc-12345');
  });
});

describe('logs', () => {
  it('carry the request id and never the password, tokens, cookies or secret query values', async () => {
    const session = await t.signIn();
    await t.inject({ method: 'GET', url: '/api/v1/profile', headers: session.tokenHeaders });
    await t.inject({ method: 'GET', url: '/api/v1/profile', headers: { cookie: `santana_session=${session.cookie}` } });
    await t.inject({ method: 'GET', url: '/api/v1/profile', headers: { authorization: `Bearer ${session.token}` } });
    await t.inject({
      method: 'GET',
      url: '/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=SEGREDO-VERIFY-9&hub.challenge=1',
    });
    const text = logs.text();
    expect(text).toContain('/api/v1/profile');
    for (const secret of ['senha-do-admin-123', session.token, session.cookie, 'SEGREDO-VERIFY-9']) {
      expect(text).not.toContain(secret);
    }
    const requestLines = logs.lines.map((line) => JSON.parse(line)).filter((line) => line.req);
    expect(requestLines.length).toBeGreaterThan(0);
    for (const line of requestLines) expect(line.reqId).toBeTruthy();
  });
});

describe('operations endpoints', () => {
  it('answers /livez and /readyz', async () => {
    expect((await t.inject({ method: 'GET', url: '/livez' })).json()).toEqual({ status: 'ok' });
    const ready = await t.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().checks.database).toBe('ok');
  });

  it('exposes Prometheus metrics: request durations by route and status, jobs by state, process metrics', async () => {
    await t.inject({ method: 'GET', url: '/api/v1/profile', headers: admin.tokenHeaders });
    const response = await t.inject({ method: 'GET', url: '/metrics' });
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.body).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/profile",status_code="200"\} \d+/,
    );
    expect(response.body).toContain('# TYPE jobs gauge');
    expect(response.body).toContain('process_resident_memory_bytes');
    expect(response.body).toContain('jobs_processed_total');
  });

  it('describes every route in OpenAPI 3.1 and renders the docs', async () => {
    const spec = (await t.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(spec.openapi).toBe('3.1.0');
    for (const path of [
      '/auth/sign_in',
      '/api/v1/profile',
      '/api/v1/accounts/{account_id}/agents',
      '/api/v1/accounts/{account_id}/agents/{agent_id}',
    ]) {
      expect(Object.keys(spec.paths)).toContain(path);
    }
    const signIn = spec.paths['/auth/sign_in'].post;
    expect(signIn.requestBody.content['application/json'].schema.properties).toHaveProperty('email');
    expect(signIn.responses).toHaveProperty('401');
    expect(spec.components.securitySchemes.userApiKey).toEqual({
      type: 'apiKey',
      in: 'header',
      name: 'api_access_token',
    });
    const docs = await t.inject({ method: 'GET', url: '/api/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toContain('text/html');
  });

  it('sends security headers', async () => {
    const response = await t.inject({ method: 'GET', url: '/livez' });
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('the web app', () => {
  it('serves the single-page app at / and for client-side routes that want HTML', async () => {
    for (const url of ['/', '/conversas/12']) {
      const response = await t.inject({ method: 'GET', url, headers: { accept: 'text/html' } });
      expect(response.statusCode, url).toBe(200);
      expect(response.body).toContain('<div id="root">');
    }
  });
});
