import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN,
  ADMIN_ENV,
  createProcessTracker,
  type SignedIn,
  signIn,
  withCookie,
  withToken,
} from '../helpers/e2e.js';
import type { RunningServer } from '../helpers/server-process.js';

const VERIFY_TOKEN = 'SEGREDO123';
const CHOSEN_REQUEST_ID = 'e2e-request-0123456789';
const WRONG_PASSWORD = 'tentativa-errada-987';

const processes = createProcessTracker();
let server: RunningServer;
let session: SignedIn;
let personalToken: string;
let echoedRequestId: string | null;
const responses: Array<{ path: string; status: number; requestId: string | null }> = [];

async function call(path: string, init: RequestInit = {}) {
  const response = await fetch(`${server.url}${path}`, init);
  responses.push({ path, status: response.status, requestId: response.headers.get('x-request-id') });
  return response;
}

/** Everything the process wrote, and its JSON log lines. */
const output = () => server.stdout() + server.stderr();
const logLines = () =>
  output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

beforeAll(async () => {
  server = await processes.start({ env: { ...ADMIN_ENV, LOG_LEVEL: 'trace' } });
  await call('/auth/sign_in', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: ADMIN.email, password: WRONG_PASSWORD }),
  });
  session = await signIn(server.url);
  await call('/api/v1/profile', { headers: withToken(session.token) });
  const byCookie = await call('/api/v1/profile', {
    headers: { ...withCookie(session.cookie), 'x-request-id': CHOSEN_REQUEST_ID },
  });
  echoedRequestId = byCookie.headers.get('x-request-id');
  const created = await call('/api/v1/profile/access_tokens', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...withToken(session.token) },
    body: JSON.stringify({ name: 'integração' }),
  });
  personalToken = ((await created.json()) as { token: string }).token;
  await call('/api/v1/profile', { headers: { authorization: `Bearer ${personalToken}` } });
  // Tokens are not accepted in the query string, but a client may still put one there.
  await call(`/api/v1/profile?api_access_token=${personalToken}`);
  // No inbox has this verify token: the handshake is refused (403), and the token must not be logged.
  await call(`/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`);
  // Let the last "request completed" lines reach the pipe.
  await new Promise((resolve) => setTimeout(resolve, 300));
});
afterAll(() => processes.killAll());

describe('the server log at LOG_LEVEL=trace', () => {
  it('made the calls it is checked against', () => {
    expect(responses.map((response) => response.status)).toEqual([401, 200, 200, 201, 200, 401, 403]);
  });

  it('never contains the password', () => {
    expect(output()).not.toContain(ADMIN.password);
  });

  it('never contains the password of a failed sign-in', () => {
    expect(output()).not.toContain(WRONG_PASSWORD);
  });

  it('never contains the session cookie', () => {
    expect(output()).not.toContain(session.cookie);
  });

  it("never contains the session's API token", () => {
    expect(output()).not.toContain(session.token);
  });

  it('never contains a personal API token', () => {
    expect(personalToken).toMatch(/\S{20,}/);
    expect(output()).not.toContain(personalToken);
  });

  it("never contains a webhook's verify token from the query string", () => {
    expect(output()).not.toContain(VERIFY_TOKEN);
  });

  it('tags every request line with its request id (reqId)', () => {
    const requestLines = logLines().filter((line) => 'req' in line || 'res' in line);
    expect(requestLines.length).toBeGreaterThanOrEqual(2 * (responses.length + 1));
    expect(requestLines.filter((line) => typeof line.reqId !== 'string')).toEqual([]);
  });

  it('returns x-request-id on every response, matching the reqId in the log', () => {
    const logged = new Set(logLines().map((line) => line.reqId));
    expect(responses.every((response) => response.requestId && logged.has(response.requestId))).toBe(true);
  });

  it("keeps a caller's own x-request-id", () => {
    expect(echoedRequestId).toBe(CHOSEN_REQUEST_ID);
  });
});
