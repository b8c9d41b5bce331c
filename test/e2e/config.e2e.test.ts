import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createProcessTracker } from '../helpers/e2e.js';
import type { SpawnedProcess } from '../helpers/server-process.js';

const processes = createProcessTracker();
afterEach(() => processes.killAll());

const problemLines = (text: string) => text.split('\n').filter((line) => /^\s+[A-Z_]+: /.test(line));

async function finished(spawned: SpawnedProcess) {
  const { code } = await spawned.exited;
  return { code, stdout: spawned.stdout(), stderr: spawned.stderr() };
}

describe('santana serve with an invalid environment', () => {
  const dataDir = path.join(processes.tempDir(), 'never-created');
  let result: Awaited<ReturnType<typeof finished>>;
  let dataDirCreated: boolean;

  beforeAll(async () => {
    result = await finished(
      processes.run(['serve'], { PORT: 'abc', LOG_LEVEL: 'loud', DATABASE_URL: 'not-a-url', DATA_DIR: dataDir }),
    );
    dataDirCreated = existsSync(dataDir);
  });

  it('exits with code 1', () => {
    expect(result.code).toBe(1);
  });

  it('writes one line per bad variable, saying what each one expects', () => {
    const lines = problemLines(result.stderr);
    expect(lines).toHaveLength(3);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\s+PORT: expected an integer between 1 and 65535/),
        expect.stringMatching(/^\s+LOG_LEVEL: expected one of .*info.*/),
        expect.stringMatching(/^\s+DATABASE_URL: expected a URL like postgres:\/\//),
      ]),
    );
  });

  it('does not echo the DATABASE_URL value, which may hold a password', () => {
    expect(result.stderr).not.toContain('not-a-url');
  });

  it('stops before listening or touching DATA_DIR', () => {
    expect(result.stdout).toBe('');
    expect(dataDirCreated).toBe(false);
  });
});

describe('santana doctor', () => {
  it('exits 1 and names the bad variable when the configuration is invalid', async () => {
    const result = await finished(processes.run(['doctor'], { DATA_DIR: processes.tempDir(), PORT: 'abc' }));
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✗ Configuration is invalid/);
    expect(problemLines(result.stdout)).toEqual([expect.stringMatching(/^\s+PORT: expected an integer/)]);
  });

  it('exits 0 with only ✓ lines on a migrated embedded DATA_DIR', async () => {
    const env = { DATA_DIR: processes.tempDir() };
    expect((await finished(processes.run(['db:migrate'], env))).code).toBe(0);

    const result = await finished(processes.run(['doctor'], env));
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const checks = result.stdout.split('\n').filter((line) => /^[✓✗]/.test(line));
    expect(checks.length).toBeGreaterThanOrEqual(4);
    expect(checks.every((line) => line.startsWith('✓'))).toBe(true);
  });
});

describe('santana with an unknown command', () => {
  it('exits 2 and shows the usage', async () => {
    const result = await finished(processes.run(['unknown-cmd'], {}));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Unknown command "unknown-cmd"');
    expect(result.stderr).toContain('Usage: santana <command>');
  });
});
