import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN,
  ADMIN_ENV,
  createProcessTracker,
  createScratchDatabase,
  deleteRedisKeys,
  enqueueProbe,
  exitWithin,
  jobFromCli,
  POSTGRES_URL,
  postgresEnv,
  REDIS_URL,
  signIn,
  waitForJobStatus,
  waitForOutput,
} from '../helpers/e2e.js';
import { freePort } from '../helpers/server-process.js';

type Tracker = ReturnType<typeof createProcessTracker>;

// Each scenario spends most of its time waiting (start-up, leases, an 8 s job), so they all start
// together in beforeAll and run side by side; the tests then await the outcome of their scenario.
const scenarios: Array<{ start(): void; kill(): Promise<void> }> = [];

function scenario<T>(run: (processes: Tracker) => Promise<T>): () => Promise<T> {
  const processes = createProcessTracker();
  let outcome: Promise<T> | undefined;
  const start = () => {
    outcome ??= run(processes).finally(() => processes.killAll());
    // Awaited by the tests; this only keeps an early failure from being reported as unhandled.
    outcome.catch(() => {});
    return outcome;
  };
  scenarios.push({ start, kill: () => processes.killAll() });
  return start;
}

beforeAll(() => {
  for (const each of scenarios) each.start();
});
afterAll(() => Promise.all(scenarios.map((each) => each.kill())));

/**
 * A sign-in whose headers and first half of the body are sent now; `finish()` sends the rest. The client
 * keeps its connection open after the answer, as browsers and Nginx's upstream keepalive do.
 */
function startSlowSignIn(baseUrl: string, agent: Agent) {
  const body = JSON.stringify(ADMIN);
  const half = Math.floor(body.length / 2);
  const req = request(`${baseUrl}/auth/sign_in`, {
    agent,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  });
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (response) => {
      let text = '';
      response.on('data', (chunk) => {
        text += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
  });
  req.write(body.slice(0, half));
  return {
    finish() {
      req.end(body.slice(half));
      return answer;
    },
  };
}

describe('SIGTERM while a request is in flight', () => {
  const outcome = scenario(async (processes) => {
    const server = await processes.start({ env: ADMIN_ENV });
    const agent = new Agent({ keepAlive: true });
    try {
      const slow = startSlowSignIn(server.url, agent);
      // Fastify logs "incoming request" once the request is routed, i.e. before it could be refused with 503.
      await waitForOutput(server, /"url":"\/auth\/sign_in".*"msg":"incoming request"/);
      server.child.kill('SIGTERM');
      await waitForOutput(server, /Shutting down gracefully/);
      const answer = await slow.finish();
      // The default SHUTDOWN_TIMEOUT is 25 s; with the request answered and no job running, nothing should wait.
      return { answer, exit: await exitWithin(server, 10_000) };
    } finally {
      agent.destroy();
    }
  });

  it('still answers the request with 200', async () => {
    const { answer } = await outcome();
    expect(answer.status, answer.body).toBe(200);
  });

  it('exits 0 within 10 s of answering, though the client keeps its connection open', async () => {
    expect((await outcome()).exit).toMatchObject({ timedOut: false, code: 0 });
  });
});

describe('SIGTERM as soon as the listener answers (start-up still queueing its jobs)', () => {
  const outcome = scenario(async (processes) => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const spawned = processes.run(['serve'], {
      ...ADMIN_ENV,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: processes.tempDir(),
      FRONTEND_URL: url,
    });
    // The listener answers before start() has queued the start-up jobs: signal at the first answer.
    const deadline = Date.now() + 90_000;
    for (;;) {
      const answered = await fetch(`${url}/livez`).then(
        (response) => response.ok,
        () => false,
      );
      if (answered) break;
      if (Date.now() > deadline) throw new Error(`no answer from ${url}/livez`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    spawned.child.kill('SIGTERM');
    return { exit: await exitWithin(spawned, 20_000), output: spawned.stdout() + spawned.stderr() };
  });

  it('shuts down gracefully (exit 0) instead of dying of the signal', async () => {
    const { exit, output } = await outcome();
    expect(exit, output.slice(-2000)).toMatchObject({ timedOut: false, code: 0, signal: null });
    expect(output).toContain('Shutting down gracefully');
  });
});

const drivers = [
  { name: 'embedded database, in-process jobs', postgres: false },
  ...(POSTGRES_URL && REDIS_URL ? [{ name: 'PostgreSQL, BullMQ on Redis', postgres: true }] : []),
];

describe.each(drivers)('a job whose process was killed ($name)', ({ postgres }) => {
  const outcome = scenario(async (processes) => {
    const database = postgres ? await createScratchDatabase() : undefined;
    // A 2 s lease (renewed while the job runs) lets the restarted process see quickly that the job was orphaned.
    const env: Record<string, string> = {
      ...ADMIN_ENV,
      JOBS_LEASE_SECONDS: '2',
      ...(database ? postgresEnv(database.url, { redis: true }) : {}),
    };
    try {
      const first = await processes.start({ env });
      const { token } = await signIn(first.url);
      const id = await enqueueProbe(first.url, token, 3000);
      await waitForJobStatus(first.url, token, id, 'running', 10_000);
      await first.stop('SIGKILL');

      const second = await processes.start({ env, dataDir: first.dataDir });
      const { token: again } = await signIn(second.url);
      // Lease (2 s) + the scheduler's sweep (5 s) + the job (3 s), with room to spare.
      return await waitForJobStatus(second.url, again, id, 'done', 30_000);
    } finally {
      await processes.killAll();
      await database?.drop();
      await deleteRedisKeys(env.REDIS_PREFIX);
    }
  });

  it('runs again after a restart and ends done on its second attempt', async () => {
    expect(await outcome()).toMatchObject({ status: 'done', attempts: 2 });
  });
});

describe('SIGTERM with SHUTDOWN_TIMEOUT=1 while an 8 s job runs', () => {
  const outcome = scenario(async (processes) => {
    const env = { ...ADMIN_ENV, SHUTDOWN_TIMEOUT: '1' };
    const first = await processes.start({ env });
    const { token } = await signIn(first.url);
    const id = await enqueueProbe(first.url, token, 8_000);
    await waitForJobStatus(first.url, token, id, 'running', 10_000);
    first.child.kill('SIGTERM');
    const exit = await exitWithin(first, 15_000);
    const afterExit = await jobFromCli(processes, { ...env, DATA_DIR: first.dataDir }, id);

    const second = await processes.start({ env, dataDir: first.dataDir });
    const { token: again } = await signIn(second.url);
    const rerun = await waitForJobStatus(second.url, again, id, 'done', 40_000);
    return { exit, afterExit, rerun };
  });

  it('exits 0 within a few seconds', async () => {
    const { exit } = await outcome();
    expect(exit).toMatchObject({ timedOut: false, code: 0 });
    expect(exit.ms).toBeLessThan(5000);
  });

  it('gives the job back to the queue without counting the interrupted attempt', async () => {
    // jobs.repo.ts release(): status queued, attempts - 1, no error recorded.
    expect((await outcome()).afterExit).toEqual({ status: 'queued', attempts: '0/10', lastError: '' });
  });

  it('runs the job to done after a restart, on what counts as its first attempt', async () => {
    expect((await outcome()).rerun).toMatchObject({ status: 'done', attempts: 1, last_error: null });
  });
});

describe('SIGTERM with enough SHUTDOWN_TIMEOUT while a 1.5 s job runs', () => {
  const outcome = scenario(async (processes) => {
    const env = { ...ADMIN_ENV, SHUTDOWN_TIMEOUT: '15' };
    const server = await processes.start({ env });
    const { token } = await signIn(server.url);
    const id = await enqueueProbe(server.url, token, 1500);
    await waitForJobStatus(server.url, token, id, 'running', 10_000);
    server.child.kill('SIGTERM');
    const exit = await exitWithin(server, 20_000);
    // Read with the CLI, which runs no worker: whatever it shows was done before the server exited.
    return { exit, job: await jobFromCli(processes, { ...env, DATA_DIR: server.dataDir }, id) };
  });

  it('exits 0', async () => {
    expect((await outcome()).exit).toMatchObject({ timedOut: false, code: 0 });
  });

  it('lets the job finish before the process exits', async () => {
    expect((await outcome()).job).toMatchObject({ status: 'done', attempts: '1/10' });
  });
});
