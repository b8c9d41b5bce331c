import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Integration suites run on the embedded defaults (PGlite, in-process jobs) and, when DATABASE_URL is
// set (.ci/run sets it, with REDIS_URL), a second time on PostgreSQL with BullMQ on Redis.
const withPostgres = Boolean(process.env.DATABASE_URL);

const integration = {
  include: ['test/integration/**/*.test.ts'],
  globalSetup: ['test/helpers/global-setup.ts'],
  testTimeout: 30_000,
  hookTimeout: 60_000,
};

export default defineConfig({
  test: {
    // Vitest's default (CPUs − 1) is one file at a time on a 2-CPU machine, but the integration and e2e
    // files mostly wait on PostgreSQL, Redis, child processes and the browser: two at a time there took
    // the whole run from ~9.5 to ~6 minutes.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      { test: { name: 'unit', include: ['src/**/*.test.ts', 'bench/**/*.test.ts'] } },
      // Web components rendered to HTML with react-dom/server (no DOM needed); the browser suites are e2e.
      { test: { name: 'web', include: ['web/src/**/*.test.{ts,tsx}'] } },
      { test: { name: 'embedded', ...integration, env: { TEST_DATABASE: 'pglite' } } },
      ...(withPostgres ? [{ test: { name: 'postgres', ...integration, env: { TEST_DATABASE: 'postgres' } } }] : []),
      { test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 90_000, hookTimeout: 90_000 } },
    ],
  },
});
