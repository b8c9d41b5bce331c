#!/usr/bin/env node
// The `santana` command: runs the compiled CLI (npm ci / npm start build it into dist/).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('Santana is not built yet. Run `npm run build` (npm ci and npm start do it for you).\n');
  process.exit(1);
}
await import(entry.href);
