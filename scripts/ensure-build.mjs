// Builds the server (dist/) and the web app (web/dist/) when they are missing or older than their
// sources, so `npm start` and `npm test` always run what is in the tree, without rebuilding needlessly.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '..');

function newest(target) {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(target)) latest = Math.max(latest, newest(path.join(target, entry)));
  return latest;
}

const builtAt = (file) => (existsSync(file) ? statSync(file).mtimeMs : 0);
const run = (script) => execSync(`npm run --silent ${script}`, { cwd: root, stdio: 'inherit' });

const serverSources = Math.max(
  newest(path.join(root, 'src')),
  newest(path.join(root, 'tsconfig.build.json')),
  newest(path.join(root, 'package-lock.json')),
);
if (builtAt(path.join(root, 'dist', 'main.js')) < serverSources) run('build:server');

const webSources = Math.max(
  newest(path.join(root, 'web', 'src')),
  newest(path.join(root, 'web', 'index.html')),
  newest(path.join(root, 'web', 'public')),
  newest(path.join(root, 'web', 'vite.config.ts')),
);
if (builtAt(path.join(root, 'web', 'dist', 'index.html')) < webSources) run('build:web');
