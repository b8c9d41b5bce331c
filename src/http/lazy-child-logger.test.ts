import { Writable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { lazyChildLoggerFactory } from './lazy-child-logger.js';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: pino({ level: 'info' }, stream) as unknown as FastifyBaseLogger };
}

describe('lazyChildLoggerFactory', () => {
  it('makes no child while nothing at or above its level is logged', () => {
    const { lines, logger } = capture();
    const child = vi.spyOn(logger, 'child');
    const log = lazyChildLoggerFactory(logger, { reqId: 'r1' }, { level: 'warn' });
    log.info('incoming request');
    log.debug('detail');
    expect(child).not.toHaveBeenCalled();
    expect(lines).toEqual([]);
    expect(log.level).toBe('warn');
  });

  it('logs with the bindings once something is worth logging', () => {
    const { lines, logger } = capture();
    const log = lazyChildLoggerFactory(logger, { reqId: 'r2' }, { level: 'warn' });
    log.warn({ phoneNumberIds: '123' }, 'unroutable');
    log.error(new Error('boom'));
    expect(lines).toMatchObject([
      { reqId: 'r2', phoneNumberIds: '123', msg: 'unroutable', level: 40 },
      { reqId: 'r2', level: 50, err: { message: 'boom' } },
    ]);
    log.child({ step: 'x' }).warn('nested');
    expect(lines[2]).toMatchObject({ reqId: 'r2', step: 'x', msg: 'nested' });
  });

  it('follows the parent level when the route sets none', () => {
    const { lines, logger } = capture();
    const log = lazyChildLoggerFactory(logger, { reqId: 'r3' }, {});
    log.info('completed');
    expect(lines).toMatchObject([{ reqId: 'r3', msg: 'completed' }]);
  });
});
