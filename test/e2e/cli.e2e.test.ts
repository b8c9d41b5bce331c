import { describe, expect, it } from 'vitest';
import { ADMIN_ENV, exitWithin } from '../helpers/e2e.js';
import { runSantana, tempDataDir } from '../helpers/server-process.js';

// Every command opens the same embedded DATA_DIR in turn (one process at a time, as PGlite requires).
const dataDir = tempDataDir();
const run = async (args: string[]) => {
  const spawned = runSantana(args, { DATA_DIR: dataDir, ...ADMIN_ENV });
  const outcome = await exitWithin(spawned, 60_000);
  if (outcome.timedOut) spawned.child.kill('SIGKILL');
  return { code: outcome.code, stdout: spawned.stdout(), stderr: spawned.stderr() };
};

describe('santana user and token commands', () => {
  it('user:create adds an agent with a password, who can then be given a token', async () => {
    const created = await run([
      'user:create',
      '--email',
      'ana@example.com',
      '--name',
      'Ana',
      '--password',
      'senha-da-ana-1',
    ]);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('Created agent ana@example.com');
    const again = await run(['user:create', '--email', 'ana@example.com', '--name', 'Ana']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already a member');
  });

  it('user:create without a password prints a single-use invitation link', async () => {
    const created = await run([
      'user:create',
      '--email',
      'bia@example.com',
      '--name',
      'Bia',
      '--role',
      'administrator',
    ]);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/\/definir-senha\?token=/);
  });

  it('token:create prints a token once, on stdout alone', async () => {
    const created = await run(['token:create', '--email', 'ana@example.com', '--name', 'n8n']);
    expect(created.code).toBe(0);
    expect(created.stdout.trim()).toMatch(/^st_[A-Za-z0-9_-]{40,}$/);
    expect(created.stderr).toContain('shown only now');
  });

  it('user:reset-password generates a new password when none is given', async () => {
    const reset = await run(['user:reset-password', '--email', 'ana@example.com']);
    expect(reset.code).toBe(0);
    expect(reset.stdout).toMatch(/New password for ana@example.com: \S{12,}/);
    const unknown = await run(['user:reset-password', '--email', 'ninguem@example.com']);
    expect(unknown.code).toBe(1);
  });

  it('refuses bad usage with exit 2 and the help text', async () => {
    const missing = await run(['user:create', '--name', 'Sem e-mail']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Missing --email');
    expect(missing.stderr).toContain('Usage: santana');
  });
});
