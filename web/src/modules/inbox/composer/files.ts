/** Files chosen for the next message (picker, drag-and-drop or paste). */

/** The backend takes up to 10 files in one message (src/inbox/attachment-form.ts). */
export const MAX_FILES = 10;

const units = ['B', 'KB', 'MB', 'GB'] as const;

/** "512 B", "1,5 KB", "12 MB": sizes the way people read them (decimal comma in pt-BR). */
export function formatFileSize(bytes: number, locale = 'pt-BR'): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 10 ? 0 : 1;
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value);
  return `${number} ${units[unit]}`;
}

interface FileLike {
  name: string;
  size: number;
  lastModified: number;
}

const sameFile = (a: FileLike, b: FileLike) =>
  a.name === b.name && a.size === b.size && a.lastModified === b.lastModified;

/** Adds new files (the same file twice counts once), up to MAX_FILES; `dropped` counts what did not fit. */
export function addFiles<F extends FileLike>(
  current: F[],
  incoming: F[],
  max = MAX_FILES,
): { files: F[]; dropped: number } {
  const files = [...current];
  let dropped = 0;
  for (const file of incoming) {
    if (files.some((existing) => sameFile(existing, file))) continue;
    if (files.length >= max) dropped += 1;
    else files.push(file);
  }
  return { files, dropped };
}
