import { createReadStream } from 'node:fs';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { randomToken } from './crypto.js';

/** Where media bytes live. Local disk under DATA_DIR today; an S3-compatible store can implement it later. */
export interface MediaStorage {
  put(accountId: number, bytes: Buffer, extension: string): Promise<string>;
  open(key: string): Promise<{ stream: Readable; size: number } | null>;
}

export function createLocalMediaStorage(root: string): MediaStorage {
  const resolve = (key: string) => {
    const full = path.resolve(root, key);
    // Keys come from our own rows, but never let one point outside the media directory.
    if (!full.startsWith(path.resolve(root) + path.sep)) throw new Error('Invalid media key');
    return full;
  };
  return {
    async put(accountId, bytes, extension) {
      const now = new Date();
      const month = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
      const key = path.posix.join(
        String(accountId),
        month,
        `${randomToken('', 18)}${extension ? `.${extension}` : ''}`,
      );
      const file = resolve(key);
      await mkdir(path.dirname(file), { recursive: true });
      // Write then rename, so a crash never leaves a half-written file under its final name.
      await writeFile(`${file}.part`, bytes);
      await rename(`${file}.part`, file);
      return key;
    },
    async open(key) {
      const file = resolve(key);
      try {
        const info = await stat(file);
        return { stream: createReadStream(file), size: info.size };
      } catch {
        return null;
      }
    },
  };
}
