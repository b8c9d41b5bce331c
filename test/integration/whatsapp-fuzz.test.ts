import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogCapture, createTestApp, type TestApp } from '../helpers/test-app.js';
import {
  createWhatsAppInbox,
  fixture,
  fixtureNames,
  postWebhook,
  type TestInbox,
  unprocessedWebhooks,
} from '../helpers/whatsapp.js';

let t: TestApp;
let inbox: TestInbox;
const logs = createLogCapture();

beforeAll(async () => {
  t = await createTestApp({ logs });
  inbox = await createWhatsAppInbox(t);
});
afterAll(async () => {
  await t.close();
});

/** A small deterministic random generator, so a failure can be replayed from its seed. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const ODD_VALUES: unknown[] = [
  null,
  0,
  -1,
  1e308,
  '',
  'x'.repeat(5000),
  [],
  {},
  [null],
  { id: null },
  true,
  '\u0000',
  '😀',
  'wamid.',
  '5511',
];

/** Walks a payload and damages it: removes keys, swaps values for odd ones, empties arrays. */
function mutate(value: unknown, next: () => number): unknown {
  if (Array.isArray(value)) {
    if (next() < 0.1) return [];
    const items = value.map((item) => mutate(item, next));
    if (next() < 0.1 && items.length > 0) items.push(items[0]);
    return items;
  }
  if (value && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      const roll = next();
      if (roll < 0.06) continue;
      if (roll < 0.14) result[key] = ODD_VALUES[Math.floor(next() * ODD_VALUES.length)];
      else result[key] = mutate(child, next);
    }
    return result;
  }
  return next() < 0.05 ? ODD_VALUES[Math.floor(next() * ODD_VALUES.length)] : value;
}

describe('fuzzing the webhook with mutated real payloads', () => {
  it('answers every one of 1,500 mutations with a 2xx or a clear 4xx, never a 500', async () => {
    const names = fixtureNames();
    const next = random(20261129);
    const statuses = new Map<number, number>();
    for (let i = 0; i < 1500; i++) {
      const base = fixture(names[i % names.length] ?? '', inbox.phoneNumberId);
      const response = await postWebhook(t, mutate(base, next) as Record<string, unknown>, inbox.appSecret);
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
      if (response.statusCode >= 500) {
        const error = logs.lines.filter((line) => line.includes('"level":50')).at(-1);
        throw new Error(`mutation ${i} answered ${response.statusCode}: ${response.body}\n${error}`);
      }
      if (response.statusCode >= 400) expect(response.json()).toHaveProperty('message');
    }
    expect([...statuses.keys()].every((status) => [200, 400, 422].includes(status))).toBe(true);
    expect(statuses.get(200)).toBeGreaterThan(500);
  }, 120_000);

  it('processes the accepted mutations without a job dying', async () => {
    await t.app.jobs.startWorker({ concurrency: 8 });
    t.app.jobs.startScheduler();
    const deadline = Date.now() + 90_000;
    for (;;) {
      const pending = await unprocessedWebhooks(t);
      if (pending === 0) break;
      const retried = await t.db
        .selectFrom('jobs')
        .select(['id', 'last_error'])
        .where('name', '=', 'whatsapp.process_webhook')
        .where('attempts', '>', 1)
        .execute();
      if (retried.length > 0)
        throw new Error(
          `processing failed and is being retried: ${JSON.stringify(retried.slice(0, 3))}\n${logs.lines
            .filter((line) => line.includes('will retry'))
            .slice(0, 2)
            .join('\n')}`,
        );
      if (Date.now() > deadline) throw new Error(`${pending} webhook(s) still unprocessed`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const dead = await t.db.selectFrom('jobs').select('last_error').where('status', '=', 'dead').execute();
    expect(dead).toEqual([]);
  }, 120_000);
});
