import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SANTANA_BIN = path.join(ROOT, 'bin', 'santana.js');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export const tempDataDir = () => mkdtempSync(path.join(tmpdir(), 'santana-e2e-'));

/** Environment for a child process: only what we pass (no DATABASE_URL/REDIS_URL leaking from the runner). */
export function baseEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
  };
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) env[key] = value;
  return env;
}

export interface SpawnedProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs the built `santana` CLI with the given arguments and environment. */
export function runSantana(args: string[], env: Record<string, string | undefined>): SpawnedProcess {
  const child = spawn(process.execPath, [SANTANA_BIN, ...args], {
    cwd: ROOT,
    env: baseEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk) => {
    out += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    err += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

export interface RunningServer extends SpawnedProcess {
  url: string;
  port: number;
  dataDir: string;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `santana serve` on a free port and waits until /readyz answers 200. */
export async function startServer(
  options: {
    env?: Record<string, string | undefined>;
    dataDir?: string;
    args?: string[];
    readyTimeoutMs?: number;
  } = {},
): Promise<RunningServer> {
  const port = await freePort();
  const dataDir = options.dataDir ?? tempDataDir();
  const url = `http://127.0.0.1:${port}`;
  const spawned = runSantana(['serve', ...(options.args ?? [])], {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    FRONTEND_URL: url,
    ...options.env,
  });
  const deadline = Date.now() + (options.readyTimeoutMs ?? 90_000);
  let exitedEarly = false;
  void spawned.exited.then(() => {
    exitedEarly = true;
  });
  for (;;) {
    if (exitedEarly) throw new Error(`server exited before becoming ready:\n${spawned.stderr()}\n${spawned.stdout()}`);
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      spawned.child.kill('SIGKILL');
      throw new Error(`server not ready in time:\n${spawned.stderr()}\n${spawned.stdout()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    ...spawned,
    url,
    port,
    dataDir,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (spawned.child.exitCode === null && spawned.child.signalCode === null) spawned.child.kill(signal);
      return spawned.exited;
    },
  };
}
