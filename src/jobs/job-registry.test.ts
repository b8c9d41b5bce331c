import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { backoffDelay, defineJob } from './job-definition.js';
import { createJobRegistry, JobRegistryError } from './job-registry.js';

const job = (name: string) => defineJob({ name, schema: z.object({}), handler: async () => 'done' });

describe('createJobRegistry', () => {
  it('fails at start-up on a job defined twice', () => {
    expect(() => createJobRegistry([job('a'), job('a')], ['a'])).toThrow(
      new JobRegistryError('Job "a" is defined twice'),
    );
  });

  it('fails at start-up on a declared job without a handler', () => {
    expect(() => createJobRegistry([job('a')], ['a', 'b'])).toThrow(/No handler for job\(s\): b/);
  });

  it('fails at start-up on a handler for an undeclared job', () => {
    expect(() => createJobRegistry([job('a'), job('z')], ['a'])).toThrow(/"z" is not declared/);
  });

  it('lists the queues its jobs run on', () => {
    const registry = createJobRegistry([job('a'), { ...job('b'), queue: 'whatsapp' }], ['a', 'b']);
    expect(registry.queues().sort()).toEqual(['default', 'whatsapp']);
  });
});

describe('backoffDelay', () => {
  const backoff = { baseMs: 1000, maxMs: 60_000 };

  it('doubles with each attempt, with jitter in the upper half', () => {
    expect(backoffDelay(1, backoff, () => 0)).toBe(500);
    expect(backoffDelay(1, backoff, () => 1)).toBe(1000);
    expect(backoffDelay(3, backoff, () => 0)).toBe(2000);
    expect(backoffDelay(3, backoff, () => 1)).toBe(4000);
  });

  it('never exceeds the maximum', () => {
    expect(backoffDelay(30, backoff, () => 1)).toBe(60_000);
  });
});
