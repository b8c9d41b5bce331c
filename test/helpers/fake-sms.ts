import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';

export interface RecordedSms {
  provider: 'twilio' | 'zenvia';
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** Twilio: the form fields; Zenvia: the JSON body. */
  body: Record<string, unknown>;
}

type Scripted = { kind: 'error'; status: number; code: number | string; message?: string } | { kind: 'network' };

/**
 * A local stand-in for Twilio's and Zenvia's SMS APIs, answering in their documented formats: Twilio's
 * Messages resource (form-encoded POST /2010-04-01/Accounts/{AccountSid}/Messages.json, basic auth,
 * 201 with the Message, errors as {code, message, more_info, status}) and Zenvia's
 * POST /v2/channels/sms/messages (X-API-TOKEN, 200 with the message, errors as {code, message}).
 * Only the credentials set with `twilioAccount` / `zenviaToken` are accepted.
 */
export async function startFakeSms() {
  const requests: RecordedSms[] = [];
  const script: Record<'twilio' | 'zenvia', Scripted[]> = { twilio: [], zenvia: [] };
  const twilioAccounts = new Map<string, string>();
  const zenviaTokens = new Set<string>();

  const readBody = (request: IncomingMessage) =>
    new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://fake-sms');
    const text = await readBody(request);
    const json = (status: number, payload: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(payload));
    };
    const twilio = url.pathname.match(/^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/);
    const provider = twilio ? 'twilio' : url.pathname === '/v2/channels/sms/messages' ? 'zenvia' : null;
    if (!provider || request.method !== 'POST') return json(404, { code: 20404, message: 'Not found' });

    const form = provider === 'twilio' ? Object.fromEntries(new URLSearchParams(text)) : null;
    let body: Record<string, unknown> = form ?? {};
    if (!form) {
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        return json(400, { code: 'VALIDATION_ERROR', message: 'Validation error' });
      }
    }
    requests.push({ provider, method: request.method, path: url.pathname, headers: request.headers, body });

    const next = script[provider].shift();
    if (next?.kind === 'network') {
      request.socket.destroy();
      return;
    }
    if (provider === 'twilio') {
      const accountSid = decodeURIComponent(twilio?.[1] ?? '');
      const [user, password] = Buffer.from((request.headers.authorization ?? '').replace(/^Basic /, ''), 'base64')
        .toString()
        .split(':');
      if (user !== accountSid || twilioAccounts.get(accountSid) !== password) {
        return json(401, {
          code: 20003,
          message: 'Authenticate',
          more_info: 'https://www.twilio.com/docs/errors/20003',
          status: 401,
        });
      }
      if (next?.kind === 'error') {
        return json(next.status, {
          code: next.code,
          message: next.message ?? `Error ${next.code}`,
          more_info: `https://www.twilio.com/docs/errors/${next.code}`,
          status: next.status,
        });
      }
      const now = new Date().toUTCString();
      return json(201, {
        account_sid: accountSid,
        api_version: '2010-04-01',
        body: form?.Body,
        date_created: now,
        date_sent: null,
        date_updated: now,
        direction: 'outbound-api',
        error_code: null,
        error_message: null,
        from: form?.From ?? null,
        messaging_service_sid: form?.MessagingServiceSid ?? null,
        num_media: '0',
        num_segments: '1',
        price: null,
        price_unit: null,
        sid: `SM${randomBytes(16).toString('hex')}`,
        status: form?.MessagingServiceSid ? 'accepted' : 'queued',
        to: form?.To,
        uri: `/2010-04-01/Accounts/${accountSid}/Messages.json`,
      });
    }
    const token = request.headers['x-api-token'];
    if (typeof token !== 'string' || !zenviaTokens.has(token)) {
      return json(401, { code: 'AUTHENTICATION_ERROR', message: 'No authorization token was found' });
    }
    if (next?.kind === 'error') return json(next.status, { code: next.code, message: next.message ?? 'Error' });
    return json(200, {
      id: randomUUID(),
      from: body.from,
      to: body.to,
      direction: 'OUT',
      channel: 'sms',
      contents: body.contents,
      timestamp: new Date().toISOString(),
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    sends: (provider: 'twilio' | 'zenvia') => requests.filter((request) => request.provider === provider),
    twilioAccount(accountSid: string, authToken: string) {
      twilioAccounts.set(accountSid, authToken);
    },
    zenviaToken(token: string) {
      zenviaTokens.add(token);
    },
    /** The next send to this provider answers with this error (in order). */
    failNext(provider: 'twilio' | 'zenvia', error: Omit<Extract<Scripted, { kind: 'error' }>, 'kind'>) {
      script[provider].push({ kind: 'error', ...error });
    },
    /** The next send to this provider loses its connection. */
    dropNext(provider: 'twilio' | 'zenvia') {
      script[provider].push({ kind: 'network' });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type FakeSms = Awaited<ReturnType<typeof startFakeSms>>;
