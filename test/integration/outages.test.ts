import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { sleep } from '../../src/shared/clock.js';
import { createLogger } from '../../src/shared/logger.js';
import { startTcpProxy, viaProxy } from '../helpers/tcp-proxy.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { onPostgres, openTestDatabase, testRedisUrl } from '../helpers/test-database.js';

async function waitForStatus(t: TestApp, url: string, status: number, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await t.inject({ method: 'GET', url });
    if (response.statusCode === status) return response;
    if (Date.now() > deadline) throw new Error(`${url} still answers ${response.statusCode}: ${response.body}`);
    await sleep(100);
  }
}

// Only a server can go away: these run on PostgreSQL (and Redis), where the service must ride out outages.
describe.runIf(onPostgres)('losing PostgreSQL while running', () => {
  let t: TestApp;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let token: string;

  beforeAll(async () => {
    const database = await openTestDatabase();
    const url = new URL(database.url ?? '');
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    await database.handle.close();
    const proxied = await openDatabase(
      { kind: 'postgres', url: viaProxy(database.url ?? '', proxy.port), poolSize: 4, startupTimeoutMs: 5000 },
      createLogger('silent'),
    );
    t = await createTestApp({ database: { ...database, handle: proxied } });
    token = (await t.signIn()).token;
  });
  afterAll(async () => {
    proxy.restore();
    await t.close();
    await t.database.close().catch(() => {});
    await proxy.close();
  });

  it('answers 503 on /readyz and on the API while the database is unreachable, and recovers without a restart', async () => {
    proxy.cut();
    const ready = await waitForStatus(t, '/readyz', 503);
    expect(ready.json().checks.database).toMatch(/^unavailable/);
    const api = await t.inject({ method: 'GET', url: '/api/v1/profile', headers: { api_access_token: token } });
    expect(api.statusCode).toBe(503);
    expect(api.json().error).toBe('unavailable');

    proxy.restore();
    await waitForStatus(t, '/readyz', 200);
    const back = await t.inject({ method: 'GET', url: '/api/v1/profile', headers: { api_access_token: token } });
    expect(back.statusCode).toBe(200);
  });
});

describe.runIf(onPostgres && testRedisUrl)('losing Redis while running', () => {
  let t: TestApp;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;

  beforeAll(async () => {
    const redisUrl = new URL(testRedisUrl ?? '');
    proxy = await startTcpProxy({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) });
    t = await createTestApp({
      env: { REDIS_URL: viaProxy(testRedisUrl ?? '', proxy.port) },
      scheduler: { staleQueuedMs: 300 },
    });
    await t.app.jobs.startWorker();
    t.app.jobs.startScheduler();
  });
  afterAll(async () => {
    proxy.restore();
    await t.close();
    await proxy.close();
  });

  it('keeps jobs accepted during the outage and processes them when Redis returns', async () => {
    const admin = await t.signIn();
    proxy.cut();
    const ready = await waitForStatus(t, '/readyz', 503);
    expect(ready.json().checks.redis).toMatch(/^unavailable/);

    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await t.inject({
        method: 'POST',
        url: '/api/v1/accounts/1/jobs/probe',
        headers: admin.tokenHeaders,
        payload: {},
      });
      expect(response.statusCode).toBe(202);
      ids.push(response.json().id);
    }
    const during = await t.db.selectFrom('jobs').select('status').where('id', 'in', ids).execute();
    expect(during.every((row) => row.status === 'queued')).toBe(true);

    proxy.restore();
    await waitForStatus(t, '/readyz', 200);
    const deadline = Date.now() + 20_000;
    for (;;) {
      const rows = await t.db.selectFrom('jobs').select(['status', 'attempts']).where('id', 'in', ids).execute();
      if (rows.every((row) => row.status === 'done')) {
        expect(rows.every((row) => row.attempts === 1)).toBe(true);
        break;
      }
      if (Date.now() > deadline) throw new Error(`jobs not processed after Redis returned: ${JSON.stringify(rows)}`);
      await sleep(100);
    }
  });
});
