import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { closedLoop, httpRequest } from './http-load.js';

let server: http.Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function listen(handler: http.RequestListener): Promise<string> {
  server = http.createServer(handler);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('closedLoop', () => {
  it('sends every request once with its body and headers and reports each answer by index', async () => {
    const seen: string[] = [];
    const url = await listen((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        seen.push(`${request.headers['x-n']}:${body}`);
        const status = Number(body) % 3 === 0 ? 401 : 200;
        const answer = JSON.stringify({ n: body });
        response.writeHead(status, { 'content-type': 'application/json', 'content-length': answer.length }).end(answer);
      });
    });
    const requests = Array.from({ length: 30 }, (_, i) =>
      httpRequest('POST', `${url}/hook`, { 'x-n': String(i) }, Buffer.from(String(i))),
    );
    const answers = new Map<number, number>();
    const result = await closedLoop({
      url,
      connections: 4,
      requests,
      stopAfterMs: 10_000,
      timeoutMs: 5_000,
      onAnswer: (index, status) => answers.set(index, status),
    });
    expect(result.answered).toBe(30);
    expect(result.non2xx).toBe(10);
    expect(result.errors + result.timeouts).toBe(0);
    expect(seen.sort()).toEqual(Array.from({ length: 30 }, (_, i) => `${i}:${i}`).sort());
    expect([...answers.entries()].sort((a, b) => a[0] - b[0])).toEqual(
      Array.from({ length: 30 }, (_, i) => [i, i % 3 === 0 ? 401 : 200]),
    );
    expect(result.latency.max).toBeGreaterThanOrEqual(result.latency.p50);
  });

  it('counts an answer without Content-Length as an error instead of waiting for it', async () => {
    const url = await listen((_request, response) => {
      response.writeHead(200, { 'transfer-encoding': 'chunked' });
      response.end('chunked body');
    });
    const requests = Array.from({ length: 3 }, () => httpRequest('GET', `${url}/`, {}));
    const result = await closedLoop({ url, connections: 1, requests, stopAfterMs: 10_000, timeoutMs: 5_000 });
    expect(result.answered).toBe(0);
    expect(result.errors).toBe(3);
  });

  it('stops sending after stopAfterMs and counts a request left unanswered as a timeout', async () => {
    const url = await listen((request, response) => {
      if (request.url === '/never') return;
      setTimeout(() => response.end('ok'), 20);
    });
    const slow = Array.from({ length: 1_000 }, () => httpRequest('GET', `${url}/`, {}));
    const stopped = await closedLoop({ url, connections: 2, requests: slow, stopAfterMs: 200, timeoutMs: 5_000 });
    expect(stopped.answered).toBeGreaterThan(0);
    expect(stopped.answered).toBeLessThan(100);

    const never = await closedLoop({
      url,
      connections: 1,
      requests: [httpRequest('GET', `${url}/never`, {})],
      stopAfterMs: 10_000,
      timeoutMs: 100,
    });
    expect(never).toMatchObject({ answered: 0, timeouts: 1, errors: 0 });
  });
});
