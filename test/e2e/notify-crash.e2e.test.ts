import { createServer, type ServerResponse } from 'node:http';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_ENV,
  createProcessTracker,
  createScratchDatabase,
  deleteRedisKeys,
  POSTGRES_URL,
  postgresEnv,
  type ScratchDatabase,
  signIn,
  waitFor,
} from '../helpers/e2e.js';
import { type SeedQuery, seedDueNotifications, seededNotificationId } from '../helpers/notification-seed.js';

const COUNT = 20;
const PHONE_NUMBER_ID = '109876543200042';

/**
 * A Graph API that takes sends but holds every answer while `holding` (a worker busy sending when it is
 * killed), then answers in Meta's format. Only answered sends count as sent: a held one never got a wamid.
 */
async function startHoldingGraph() {
  const answered = new Map<number, number>();
  const held: ServerResponse[] = [];
  let holding = true;
  let sequence = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let body: { text?: { body?: string } } = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        // answered below like anything else
      }
      const id = seededNotificationId(body.text?.body);
      if (request.method === 'POST' && id !== null) {
        if (holding) {
          held.push(response);
          return;
        }
        answered.set(id, (answered.get(id) ?? 0) + 1);
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            messaging_product: 'whatsapp',
            contacts: [{ input: 'x', wa_id: 'x' }],
            messages: [{ id: `wamid.crash${sequence++}` }],
          }),
        );
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ data: [], paging: { cursors: {} } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    answered,
    heldCount: () => held.length,
    release() {
      holding = false;
      // The killed worker's connections are gone; dropping them is what Meta would see.
      for (const response of held.splice(0)) response.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface Outcome {
  heldAtKill: number;
  statuses: Record<string, number>;
  answered: Map<number, number>;
  ids: number[];
}

/**
 * The scenario the issue names: notifications come due, the worker claims them and starts sending, and is
 * killed (SIGKILL) before any send is acknowledged. After a restart every notification goes out exactly once.
 */
async function crashScenario(kind: 'embedded' | 'postgres'): Promise<Outcome> {
  const processes = createProcessTracker();
  const graph = await startHoldingGraph();
  let database: ScratchDatabase | undefined;
  let redisPrefix: string | undefined;
  try {
    const dataDir = processes.tempDir();
    if (kind === 'postgres') database = await createScratchDatabase();
    const backend: Record<string, string> = database ? postgresEnv(database.url, { redis: true }) : {};
    redisPrefix = backend.REDIS_PREFIX;
    const env = {
      ...ADMIN_ENV,
      ...backend,
      SIMULATOR: 'off',
      JOBS_LEASE_SECONDS: '2',
      WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
      WHATSAPP_ACCESS_TOKEN: 'EAAG-crash-token',
      WHATSAPP_APP_SECRET: 'crash-app-secret',
      WHATSAPP_VERIFY_TOKEN: 'crash-verify',
      WHATSAPP_BUSINESS_ACCOUNT_ID: '102290129340398',
      WHATSAPP_GRAPH_URL: graph.url,
    };
    // First start: migrations and the inbox. Then seed while nothing runs.
    const first = await processes.start({ env, dataDir });
    await first.stop('SIGTERM');
    const seed = async (query: SeedQuery) =>
      seedDueNotifications(query, { phoneNumberId: PHONE_NUMBER_ID, count: COUNT, leadMs: 1_000, windowMs: 500 });
    if (database) {
      const scratch = database;
      await seed(async (text, params) => ({ rows: await scratch.query(text, params) }));
    } else {
      const pglite = new PGlite(path.join(dataDir, 'pglite'));
      await seed((text, params) => pglite.query(text, params as unknown[]));
      await pglite.close();
    }

    const server = await processes.start({ env, dataDir });
    const { token } = await signIn(server.url);
    const list = async (status: string) => {
      const response = await fetch(`${server.url}/api/v1/accounts/1/notifications?status=${status}`, {
        headers: { api_access_token: token },
      });
      return (await response.json()) as { meta: { count: number }; payload: Array<{ id: number }> };
    };
    // Claimed and handed to the send job (queued), with sends in flight at the Graph API.
    await waitFor('all notifications claimed and a send in flight', async () =>
      (await list('queued')).meta.count === COUNT && graph.heldCount() > 0 ? true : undefined,
    );
    const heldAtKill = graph.heldCount();
    server.child.kill('SIGKILL');
    await server.exited;
    graph.release();

    const restarted = await processes.start({ env, dataDir });
    const again = await signIn(restarted.url);
    const sentList = async () => {
      const response = await fetch(`${restarted.url}/api/v1/accounts/1/notifications?status=sent`, {
        headers: { api_access_token: again.token },
      });
      return (await response.json()) as { meta: { count: number }; payload: Array<{ id: number }> };
    };
    const sent = await waitFor(
      'every notification sent after the restart',
      async () => {
        const page = await sentList();
        return page.meta.count === COUNT ? page : undefined;
      },
      45_000,
    );
    // Give a duplicate the chance to show up before counting.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const statuses: Record<string, number> = {};
    for (const status of ['scheduled', 'queued', 'sent', 'failed', 'skipped']) {
      const response = await fetch(`${restarted.url}/api/v1/accounts/1/notifications?status=${status}`, {
        headers: { api_access_token: again.token },
      });
      statuses[status] = ((await response.json()) as { meta: { count: number } }).meta.count;
    }
    return { heldAtKill, statuses, answered: graph.answered, ids: sent.payload.map((row) => row.id) };
  } finally {
    await processes.killAll();
    await graph.close();
    await database?.drop();
    await deleteRedisKeys(redisPrefix);
  }
}

const outcomes: Partial<Record<'embedded' | 'postgres', Promise<Outcome>>> = {};
beforeAll(() => {
  // Both scenarios mostly wait (start-ups, leases): they run side by side.
  outcomes.embedded = crashScenario('embedded');
  if (POSTGRES_URL) outcomes.postgres = crashScenario('postgres');
  for (const outcome of Object.values(outcomes)) outcome.catch(() => {});
});
afterAll(async () => {
  await Promise.allSettled(Object.values(outcomes));
});

for (const kind of ['embedded', 'postgres'] as const) {
  describe.runIf(kind === 'embedded' || POSTGRES_URL)(
    `SIGKILL while due notifications are being sent (${kind})`,
    () => {
      it('sends every notification exactly once after the restart', async () => {
        const outcome = await (outcomes[kind] as Promise<Outcome>);
        expect(outcome.heldAtKill).toBeGreaterThan(0);
        expect(outcome.statuses).toEqual({ scheduled: 0, queued: 0, sent: COUNT, failed: 0, skipped: 0 });
        expect(outcome.answered.size).toBe(COUNT);
        expect([...outcome.answered.values()].every((sends) => sends === 1)).toBe(true);
        // Three server starts per scenario, both scenarios side by side, beside another test file: ~70 s on
        // the 2-core VM on a slow day with nothing else running, past the default 90 s under the full suite.
      }, 150_000);
    },
  );
}
