/**
 * What the built web app weighs: every file of web/dist/assets with its raw and gzip size (level 9), and
 * which of them a first visit downloads. "Initial" follows web/dist/index.html (module scripts, module
 * preloads, stylesheets) and then the static imports of those chunks; what only a dynamic import() reaches
 * is lazy.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export interface AssetSize {
  file: string;
  raw: number;
  gzip: number;
  kind: 'js' | 'css' | 'map' | 'other';
  initial: boolean;
}

const kindOf = (file: string): AssetSize['kind'] =>
  file.endsWith('.js') ? 'js' : file.endsWith('.css') ? 'css' : file.endsWith('.map') ? 'map' : 'other';

function attributesOf(tag: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const match of tag.matchAll(/([\w-]+)(?:="([^"]*)")?/g)) attributes[match[1] as string] = match[2] ?? '';
  return attributes;
}

/** Asset file names index.html makes the browser fetch at once. */
function entriesOf(html: string): string[] {
  const files: string[] = [];
  for (const [tag, name] of html.matchAll(/<(script|link)\b[^>]*>/g)) {
    const attributes = attributesOf(tag);
    const url =
      name === 'script' && attributes.type === 'module'
        ? attributes.src
        : name === 'link' && ['modulepreload', 'stylesheet'].includes(attributes.rel ?? '')
          ? attributes.href
          : undefined;
    if (url?.startsWith('/assets/')) files.push(url.slice('/assets/'.length));
  }
  return files;
}

/** Chunks a chunk imports statically (`import … from "./x.js"`, `import "./x.js"`, `export … from`), not import(). */
function staticImportsOf(source: string): string[] {
  return [...source.matchAll(/\b(?:import|export)\s*(?:[^"'();]*?\bfrom\s*)?["']\.\/([^"']+\.js)["']/g)].map(
    (match) => match[1] as string,
  );
}

export function measureBundle(distDir: string): { assets: AssetSize[]; entries: string[] } {
  const assetsDir = path.join(distDir, 'assets');
  const entries = entriesOf(readFileSync(path.join(distDir, 'index.html'), 'utf8'));
  const initial = new Set<string>();
  const pending = [...entries];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (initial.has(file)) continue;
    initial.add(file);
    if (file.endsWith('.js')) pending.push(...staticImportsOf(readFileSync(path.join(assetsDir, file), 'utf8')));
  }
  const assets = readdirSync(assetsDir)
    .sort()
    .map((file) => {
      const bytes = readFileSync(path.join(assetsDir, file));
      return {
        file,
        raw: bytes.length,
        gzip: gzipSync(bytes, { level: 9 }).length,
        kind: kindOf(file),
        initial: initial.has(file),
      };
    });
  return { assets, entries };
}

export const fmtKb = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;
