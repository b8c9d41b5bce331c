import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';

const OUTBOUND = new URL('../fixtures/whatsapp-outbound/', import.meta.url);
/** Meta's documented success response for a send (test/fixtures/whatsapp-outbound). */
const SEND_RESPONSE = JSON.parse(readFileSync(new URL('metadocs__message_text__response.json', OUTBOUND), 'utf8'));

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: unknown;
}

type Scripted =
  | {
      kind: 'error';
      status: number;
      code: number;
      message?: string;
      title?: string;
      details?: string;
      retryAfter?: number;
    }
  | { kind: 'slow'; delayMs: number; wamid: string }
  | { kind: 'hang' }
  | { kind: 'network' };

/**
 * A local stand-in for Meta's Graph API (the real one cannot be reached here) that answers in the
 * documented formats: send responses, error objects `{error: {message, type, code, error_data, …}}`,
 * media metadata and downloads. Tests script the next answers per path.
 */
export async function startFakeGraph() {
  const requests: RecordedRequest[] = [];
  const script: Scripted[] = [];
  const media = new Map<string, { bytes: Buffer; mime: string }>();

  const readBody = (request: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let text = '';
      request.on('data', (chunk) => {
        text += chunk;
      });
      request.on('end', () => resolve(text));
    });

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://fake-graph');
    const text = await readBody(request);
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // keep the text
    }
    requests.push({
      method: request.method ?? 'GET',
      path: url.pathname,
      authorization: request.headers.authorization,
      body,
    });
    const json = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(payload));
    };

    const next = /\/messages$/.test(url.pathname) ? script.shift() : undefined;
    if (next?.kind === 'hang') return; // never answers: the client's timeout must fire
    if (next?.kind === 'slow') await new Promise((resolve) => setTimeout(resolve, next.delayMs));
    if (next?.kind === 'network') {
      request.socket.destroy();
      return;
    }
    if (next?.kind === 'error') {
      return json(
        next.status,
        {
          error: {
            message: next.message ?? `(#${next.code}) ${next.title ?? 'Error'}`,
            type: 'OAuthException',
            code: next.code,
            error_data: { messaging_product: 'whatsapp', details: next.details ?? next.title ?? 'error' },
            error_user_title: next.title,
            fbtrace_id: 'Az8or2yhqkZfEZ-_4Qn_Bam',
          },
        },
        next.retryAfter ? { 'retry-after': String(next.retryAfter) } : {},
      );
    }

    const send = url.pathname.match(/^\/v\d+\.\d+\/([^/]+)\/messages$/);
    if (request.method === 'POST' && send) {
      const to = (body as { to?: string; recipient?: string }).to ?? (body as { recipient?: string }).recipient ?? '';
      return json(200, {
        ...SEND_RESPONSE,
        contacts: [{ input: to, wa_id: to.replace(/\D/g, '') || to }],
        messages: [{ id: next?.kind === 'slow' ? next.wamid : `wamid.${randomBytes(24).toString('base64url')}` }],
      });
    }
    const mediaInfo = url.pathname.match(/^\/v\d+\.\d+\/(\d+)$/);
    if (request.method === 'GET' && mediaInfo?.[1] && media.has(mediaInfo[1])) {
      const item = media.get(mediaInfo[1]);
      return json(200, {
        messaging_product: 'whatsapp',
        url: `http://127.0.0.1:${port}/media/${mediaInfo[1]}`,
        mime_type: item?.mime,
        sha256: 'x',
        file_size: item?.bytes.length,
        id: mediaInfo[1],
      });
    }
    const download = url.pathname.match(/^\/media\/(\d+)$/);
    if (request.method === 'GET' && download?.[1] && media.has(download[1])) {
      const item = media.get(download[1]);
      response.writeHead(200, { 'content-type': item?.mime ?? 'application/octet-stream' });
      return response.end(item?.bytes);
    }
    return json(404, { error: { message: 'Unsupported request', type: 'GraphMethodException', code: 100 } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    sends: () => requests.filter((request) => request.method === 'POST' && request.path.endsWith('/messages')),
    /** The next send answers with this Graph error (in order). */
    failNext(error: Omit<Extract<Scripted, { kind: 'error' }>, 'kind'>) {
      script.push({ kind: 'error', ...error });
    },
    /** The next send succeeds after `delayMs`, with this wamid (to race a status webhook against it). */
    slowNext(delayMs: number, wamid: string) {
      script.push({ kind: 'slow', delayMs, wamid });
    },
    hangNext() {
      script.push({ kind: 'hang' });
    },
    dropNext() {
      script.push({ kind: 'network' });
    },
    addMedia(id: string, bytes: Buffer, mime: string) {
      media.set(id, { bytes, mime });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type FakeGraph = Awaited<ReturnType<typeof startFakeGraph>>;
