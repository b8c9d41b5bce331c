import { sleep } from '../../src/shared/clock.js';

/**
 * Polls `probe` until it gives a truthy value (returned), or fails after `timeoutMs`: for what arrives
 * after the call that caused it (a job's outcome, a realtime event through Redis, a fake's request).
 */
export async function eventually<T>(
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(25);
  }
}
