import { sleep } from '../../src/shared/clock.js';

interface Patience {
  /** Named in the error when time runs out ("a delivery at /hook"). */
  what?: string;
  timeoutMs?: number;
}

/**
 * Polls `probe` until it gives a truthy value (returned), or fails after `timeoutMs`: for what arrives
 * after the call that caused it (a job's outcome, a realtime event through Redis, a fake's request).
 */
export async function eventually<T>(
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  { what = 'the condition', timeoutMs = 15_000 }: Patience = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** Reads until `done` accepts what it read (returned); when time runs out the error shows the last value. */
export async function readUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  { timeoutMs = 15_000 }: Pick<Patience, 'timeoutMs'> = {},
): Promise<T> {
  let last: T | undefined;
  try {
    return await eventually(
      async () => {
        last = await read();
        return done(last) ? { value: last } : undefined;
      },
      { timeoutMs },
    ).then((found) => found.value);
  } catch {
    throw new Error(`timed out; last value: ${JSON.stringify(last)}`);
  }
}
