import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { LightMyRequestResponse } from 'fastify';
import { type AppOptions, createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/shared/logger.js';
import { openTestDatabase, type TestDatabase, testRedisUrl } from './test-database.js';

export const ADMIN = { email: 'admin@example.com', password: 'senha-do-admin-123' };
export const FRONTEND_URL = 'http://santana.test';

/** Collects every log line, to assert what is (and is not) logged. */
export function createLogCapture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { stream, lines, text: () => lines.join('\n') };
}

export interface TestAppOptions extends Omit<AppOptions, 'database' | 'logger'> {
  env?: Record<string, string | undefined>;
  logs?: ReturnType<typeof createLogCapture>;
  database?: TestDatabase;
}

/**
 * The real app (real migrations, real services, real HTTP routes through inject) on this project's
 * database: PGlite with in-process jobs, or PostgreSQL (+ Redis when REDIS_URL is set).
 */
export async function createTestApp(options: TestAppOptions = {}) {
  const database = options.database ?? (await openTestDatabase());
  const env = {
    NODE_ENV: 'test',
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'santana-test-')),
    SECRET_KEY_BASE: 'test-secret-key-base-0123456789abcdef0123456789abcdef',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    FRONTEND_URL,
    LOG_LEVEL: 'silent',
    ...(testRedisUrl
      ? { REDIS_URL: testRedisUrl, REDIS_PREFIX: `test${process.pid}${Math.random().toString(36).slice(2, 8)}` }
      : {}),
    ...(database.url ? { DATABASE_URL: database.url } : {}),
    ...options.env,
  };
  const config = loadConfig(env);
  const logger = options.logs ? createLogger('trace', options.logs.stream) : createLogger('silent');
  const app = await createApp(config, {
    ...options,
    database: database.handle,
    logger,
    scheduler: { tickMs: 50, sweepMs: 200, ...options.scheduler },
  });
  await app.server.ready();

  const inject = app.server.inject.bind(app.server);

  return {
    app,
    db: app.db,
    database,
    config,
    inject,
    /** Signs in through the real route and returns what a client would keep. */
    async signIn(email = ADMIN.email, password = ADMIN.password, remoteAddress = '127.0.0.1') {
      const response = await inject({
        method: 'POST',
        url: '/auth/sign_in',
        payload: { email, password },
        remoteAddress,
      });
      if (response.statusCode !== 200) throw new Error(`sign in failed: ${response.statusCode} ${response.body}`);
      const body = response.json() as { data: { id: number; access_token: string; account_id: number; role: string } };
      return {
        response,
        user: body.data,
        token: body.data.access_token,
        cookie: sessionCookie(response),
        tokenHeaders: { api_access_token: body.data.access_token },
        cookieHeaders: { cookie: `santana_session=${sessionCookie(response)}`, origin: FRONTEND_URL },
      };
    },
    async close() {
      await app.stop();
      if (!options.database) await database.close();
    },
  };
}

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;

export function sessionCookie(response: LightMyRequestResponse): string {
  const cookie = response.cookies.find((candidate) => candidate.name === 'santana_session');
  if (!cookie) throw new Error('no session cookie in response');
  return cookie.value;
}
