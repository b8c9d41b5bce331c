import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, openAsBlob } from 'node:fs';
import { mkdir, open, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fileTypeFromFile } from 'file-type';
import { randomToken } from './crypto.js';

/** Bytes received but not yet kept: sniffed and measured first, so a refused file never gets a key. */
export interface StagedMedia {
  size: number;
  /** sha256 of the bytes, hex. */
  sha256: string;
  /** The source had more than `maxBytes`; only the first `maxBytes` were written. */
  exceeded: boolean;
  /** The type the bytes say they are (magic numbers), whatever the sender claimed. */
  sniff(): Promise<{ ext: string; mime: string } | undefined>;
  /** The first bytes, to look closer at what sniffing cannot name (plain text). */
  head(bytes: number): Promise<Buffer>;
  keep(extension: string): Promise<string>;
  discard(): Promise<void>;
}

/** Where media bytes live. Local disk under DATA_DIR today; an S3-compatible store can implement it later. */
export interface MediaStorage {
  put(accountId: number, bytes: Buffer, extension: string): Promise<string>;
  /** Streams an upload to a staging area without holding it in memory. */
  stage(accountId: number, source: AsyncIterable<Uint8Array>, maxBytes: number): Promise<StagedMedia>;
  open(key: string): Promise<{ stream: Readable; size: number } | null>;
  /** The bytes as a Blob read lazily from storage (to upload them elsewhere without buffering). */
  blob(key: string, type: string): Promise<Blob | null>;
  remove(key: string): Promise<void>;
}

export function createLocalMediaStorage(root: string): MediaStorage {
  const resolve = (key: string) => {
    const full = path.resolve(root, key);
    // Keys come from our own rows, but never let one point outside the media directory.
    if (!full.startsWith(path.resolve(root) + path.sep)) throw new Error('Invalid media key');
    return full;
  };
  const newKey = (accountId: number, extension: string) => {
    const now = new Date();
    const month = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
    return path.posix.join(String(accountId), month, `${randomToken('', 18)}${extension ? `.${extension}` : ''}`);
  };
  return {
    async put(accountId, bytes, extension) {
      const key = newKey(accountId, extension);
      const file = resolve(key);
      await mkdir(path.dirname(file), { recursive: true });
      // Write then rename, so a crash never leaves a half-written file under its final name.
      await writeFile(`${file}.part`, bytes);
      await rename(`${file}.part`, file);
      return key;
    },
    async stage(accountId, source, maxBytes) {
      const staging = resolve(path.posix.join('.staging', `${accountId}-${randomToken('', 18)}.part`));
      await mkdir(path.dirname(staging), { recursive: true });
      const out = createWriteStream(staging);
      const hash = createHash('sha256');
      let size = 0;
      let exceeded = false;
      try {
        for await (const chunk of source) {
          if (exceeded) continue; // drain the rest so the request can finish
          const room = maxBytes - size;
          const part = chunk.byteLength > room ? chunk.subarray(0, room) : chunk;
          if (part.byteLength < chunk.byteLength) exceeded = true;
          size += part.byteLength;
          hash.update(part);
          if (!out.write(part)) await new Promise<void>((done) => out.once('drain', () => done()));
        }
        await new Promise<void>((done, fail) => out.end((error?: Error | null) => (error ? fail(error) : done())));
      } catch (error) {
        out.destroy();
        await rm(staging, { force: true });
        throw error;
      }
      return {
        size,
        sha256: hash.digest('hex'),
        exceeded,
        sniff: async () => (size === 0 ? undefined : fileTypeFromFile(staging)),
        async head(bytes) {
          const handle = await open(staging, 'r');
          try {
            const buffer = Buffer.alloc(Math.min(bytes, size));
            await handle.read(buffer, 0, buffer.length, 0);
            return buffer;
          } finally {
            await handle.close();
          }
        },
        async keep(extension) {
          const key = newKey(accountId, extension);
          const file = resolve(key);
          await mkdir(path.dirname(file), { recursive: true });
          await rename(staging, file);
          return key;
        },
        discard: () => rm(staging, { force: true }),
      };
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
    async blob(key, type) {
      try {
        return await openAsBlob(resolve(key), { type });
      } catch {
        return null;
      }
    },
    remove: (key) => rm(resolve(key), { force: true }),
  };
}
