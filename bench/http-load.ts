/**
 * A closed-loop HTTP/1.1 load generator for ready-made requests: each connection sends one request, reads its
 * answer, sends the next. The requests are built before the clock starts (request line, headers and body in
 * one buffer), so a request costs this process one write and one read — the load generator shares the
 * benchmark machine's two CPUs with the server, PostgreSQL and Redis, and autocannon spent ~90 µs of CPU per
 * request there (its request templating, histogram and events), about a fifth of a core at 2,000 requests/s.
 *
 * Answers must carry Content-Length (Fastify's do); anything else ends the connection as an error.
 */
import net from 'node:net';

export interface LoadOptions {
  url: string;
  connections: number;
  /** Whole requests (see `httpRequest`), each sent once, in order. */
  requests: Buffer[];
  /** Stops sending after this long; requests still in flight then are left unanswered. */
  stopAfterMs: number;
  /** Milliseconds to wait for one answer before the request counts as a timeout and its connection is dropped. */
  timeoutMs: number;
  onAnswer?: (index: number, status: number) => void;
}

export interface LoadResult {
  answered: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  startedAt: number;
  /** When the last answer came in. */
  lastAnswerAt: number;
  latency: { p50: number; p90: number; p99: number; max: number };
}

/** One HTTP/1.1 request as bytes. */
export function httpRequest(
  method: string,
  url: string,
  headers: Record<string, string>,
  body: Buffer = Buffer.alloc(0),
): Buffer {
  const { host, pathname, search } = new URL(url);
  const lines = [`${method} ${pathname}${search} HTTP/1.1`, `host: ${host}`, `content-length: ${body.length}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}

const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /\r\ncontent-length:\s*(\d+)/i;

export async function closedLoop(options: LoadOptions): Promise<LoadResult> {
  const { hostname, port } = new URL(options.url);
  const latencies: number[] = [];
  let next = 0;
  let non2xx = 0;
  let errors = 0;
  let timeouts = 0;
  let stopped = false;
  const startedAt = performance.now();
  let lastAnswerAt = startedAt;

  return await new Promise<LoadResult>((resolve) => {
    let open = 0;
    const finish = () => {
      if (open > 0) return;
      clearTimeout(stopTimer);
      latencies.sort((a, b) => a - b);
      const at = (q: number) =>
        Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
      resolve({
        answered: latencies.length,
        non2xx,
        errors,
        timeouts,
        startedAt,
        lastAnswerAt,
        latency: { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: Math.round(latencies.at(-1) ?? 0) },
      });
    };
    const stopTimer = setTimeout(() => {
      stopped = true;
    }, options.stopAfterMs);

    const connect = () => {
      open++;
      const socket = net.connect({ host: hostname, port: Number(port), noDelay: true });
      let pending: { index: number; sentAt: number } | undefined;
      let buffered: Buffer | undefined;
      const send = () => {
        if (stopped || next >= options.requests.length) {
          socket.end();
          return;
        }
        const index = next++;
        pending = { index, sentAt: performance.now() };
        socket.write(options.requests[index] as Buffer);
      };
      let timedOut = false;
      socket.setTimeout(options.timeoutMs, () => {
        timedOut = pending !== undefined;
        socket.destroy();
      });
      socket.on('connect', send);
      socket.on('data', (chunk: Buffer) => {
        buffered = buffered ? Buffer.concat([buffered, chunk]) : chunk;
        for (;;) {
          const headerEnd: number = buffered.indexOf(HEADER_END);
          if (headerEnd < 0 || !pending) return;
          const head = buffered.toString('latin1', 0, headerEnd);
          const length = CONTENT_LENGTH.exec(head);
          if (!length) {
            socket.destroy();
            return;
          }
          const total: number = headerEnd + HEADER_END.length + Number(length[1]);
          if (buffered.length < total) return;
          const status = Number(head.slice(9, 12));
          const now = performance.now();
          latencies.push(now - pending.sentAt);
          lastAnswerAt = now;
          if (status < 200 || status >= 300) non2xx++;
          options.onAnswer?.(pending.index, status);
          pending = undefined;
          buffered = buffered.length === total ? undefined : buffered.subarray(total);
          send();
          if (!buffered) return;
        }
      });
      // Counted on 'close', which follows every error.
      socket.on('error', () => {});
      socket.on('close', () => {
        if (pending) {
          if (timedOut) timeouts++;
          else errors++;
          pending = undefined;
        }
        open--;
        // A connection lost mid-run is replaced, as a client would reconnect.
        if (!stopped && next < options.requests.length) connect();
        else finish();
      });
    };
    for (let i = 0; i < Math.min(options.connections, options.requests.length); i++) connect();
  });
}
