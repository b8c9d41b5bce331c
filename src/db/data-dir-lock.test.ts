import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir } from './data-dir-lock.js';

const dir = () => mkdtempSync(path.join(tmpdir(), 'santana-lock-'));

describe('lockDataDir', () => {
  it('refuses a directory another live process holds, naming it', () => {
    const target = dir();
    // pid 1 is always alive: it stands for "another Santana process".
    writeFileSync(path.join(target, 'santana.lock'), '1');
    expect(() => lockDataDir(target)).toThrow(DataDirLockedError);
    expect(() => lockDataDir(target)).toThrow(/already in use by another Santana process \(pid 1\)/);
  });

  it('takes over the lock a crashed process left behind', () => {
    const target = dir();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(path.join(target, 'santana.lock'), dead);
    const release = lockDataDir(target);
    release();
    expect(existsSync(path.join(target, 'santana.lock'))).toBe(false);
  });

  it('releases the lock so the next start can take it', () => {
    const target = dir();
    lockDataDir(target)();
    const release = lockDataDir(target);
    expect(existsSync(path.join(target, 'santana.lock'))).toBe(true);
    release();
  });
});
