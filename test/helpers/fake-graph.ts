import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';

const OUTBOUND = new URL('../fixtures/whatsapp-outbound/', import.meta.url);
/** Meta's documented success response for a send (test/fixtures/whatsapp-outbound). */
const SEND_RESPONSE = JSON.parse(readFileSync(new URL('metadocs__message_text__response.json', OUTBOUND), 'utf8'));

/** Approved templates every fake WABA starts with (Meta's listing shape), so tests can send templates. */
export const DEFAULT_TEMPLATES = [
  {
    id: '800000000000001',
    name: 'lembrete_evento',
    language: 'pt_BR',
    status: 'APPROVED',
    category: 'UTILITY',
    parameter_format: 'POSITIONAL',
    components: [
      { type: 'BODY', text: 'Olá {{1}}, seu evento é {{2}}.', example: { body_text: [['Maria', 'amanhã às 19:00']] } },
    ],
  },
];

export interface RecordedRequest {
  method: string;
  path: string;
  /** The query string as sent (`?fields=…&after=…`). */
  search: string;
  authorization: string | undefined;
  body: unknown;
}

export interface MediaUpload {
  fields: Record<string, string>;
  file: { field: string; name: string; type: string; size: number; sha256: string; bytes: Buffer } | null;
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
  const templateScript: Scripted[] = [];
  let templates: Array<Record<string, unknown>> = structuredClone(DEFAULT_TEMPLATES);
  let templatesPageSize = 2;

  const readBody = (request: IncomingMessage) =>
    new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => resolve(Buffer.concat(chunks)));
    });

  /** A media upload as Meta takes it (multipart): its fields, and what the file part held. */
  async function readUpload(bytes: Buffer, contentType: string) {
    const form = await new Request('http://fake-graph/', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: bytes,
    }).formData();
    const fields: Record<string, string> = {};
    let file: MediaUpload['file'] = null;
    for (const [name, value] of form.entries()) {
      if (typeof value === 'string') fields[name] = value;
      else {
        const content = Buffer.from(await value.arrayBuffer());
        file = {
          field: name,
          name: value.name,
          type: value.type,
          size: content.length,
          sha256: createHash('sha256').update(content).digest('hex'),
          bytes: content,
        };
      }
    }
    return { fields, file };
  }

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://fake-graph');
    const raw = await readBody(request);
    const text = raw.toString('utf8');
    const contentType = request.headers['content-type'] ?? '';
    let body: unknown = text;
    if (contentType.startsWith('multipart/form-data')) {
      body = await readUpload(raw, contentType);
    } else {
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        // keep the text
      }
    }
    requests.push({
      method: request.method ?? 'GET',
      path: url.pathname,
      search: url.search,
      authorization: request.headers.authorization,
      body,
    });
    const json = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(payload));
    };

    // Read receipts share the send endpoint but are not "the next send" a test scripted.
    const readReceipt = (body as { status?: string } | undefined)?.status === 'read';
    const next = /\/messages$/.test(url.pathname)
      ? readReceipt
        ? undefined
        : script.shift()
      : /\/message_templates$/.test(url.pathname)
        ? templateScript.shift()
        : undefined;
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

    const upload = url.pathname.match(/^\/v\d+\.\d+\/([^/]+)\/media$/);
    if (request.method === 'POST' && upload) {
      const { file } = body as MediaUpload;
      if (!file) return json(400, { error: { message: '(#100) The parameter file is required.', code: 100 } });
      const id = String(BigInt(`0x${randomBytes(7).toString('hex')}`));
      media.set(id, { bytes: file.bytes, mime: file.type });
      return json(200, { id });
    }
    const send = url.pathname.match(/^\/v\d+\.\d+\/([^/]+)\/messages$/);
    // Read receipts go to the same endpoint and answer {success: true}.
    if (request.method === 'POST' && send && readReceipt) {
      return json(200, { success: true });
    }
    if (request.method === 'POST' && send) {
      const to = (body as { to?: string; recipient?: string }).to ?? (body as { recipient?: string }).recipient ?? '';
      return json(200, {
        ...SEND_RESPONSE,
        contacts: [{ input: to, wa_id: to.replace(/\D/g, '') || to }],
        messages: [{ id: next?.kind === 'slow' ? next.wamid : `wamid.${randomBytes(24).toString('base64url')}` }],
      });
    }
    const listing = url.pathname.match(/^\/v\d+\.\d+\/([^/]+)\/message_templates$/);
    if (request.method === 'GET' && listing) {
      // Meta's cursor paging: `next` only while more pages remain, cursors on every page.
      const limit = Math.min(Number(url.searchParams.get('limit') ?? 25), templatesPageSize);
      const after = url.searchParams.get('after');
      const start = after ? Number(Buffer.from(after, 'base64url').toString()) : 0;
      const page = templates.slice(start, start + limit);
      const end = start + page.length;
      const cursor = (value: number) => Buffer.from(String(value)).toString('base64url');
      return json(200, {
        data: page,
        paging: {
          cursors: { before: cursor(start), after: cursor(end) },
          ...(end < templates.length
            ? { next: `http://127.0.0.1:${port}${url.pathname}?limit=${limit}&after=${cursor(end)}` }
            : {}),
        },
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
    uploads: () =>
      requests
        .filter((request) => request.method === 'POST' && request.path.endsWith('/media'))
        .map((request) => ({ path: request.path, ...(request.body as MediaUpload) })),
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
    /** The WABA's templates as GET /{waba_id}/message_templates lists them, `pageSize` per page. */
    setTemplates(list: Array<Record<string, unknown>>, pageSize = 2) {
      templates = structuredClone(list);
      templatesPageSize = pageSize;
    },
    /** The next template listing request answers with this Graph error. */
    failTemplatesNext(error: Omit<Extract<Scripted, { kind: 'error' }>, 'kind'>) {
      templateScript.push({ kind: 'error', ...error });
    },
    templateListings: () =>
      requests.filter((request) => request.method === 'GET' && request.path.endsWith('/message_templates')),
    addMedia(id: string, bytes: Buffer, mime: string) {
      media.set(id, { bytes, mime });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type FakeGraph = Awaited<ReturnType<typeof startFakeGraph>>;
