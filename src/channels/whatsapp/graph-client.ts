import { z } from 'zod';

/** An error answered by the Graph API (or the network on the way), classified for retries. */
export class GraphApiError extends Error {
  override name = 'GraphApiError';
  constructor(
    message: string,
    readonly details: {
      httpStatus: number | null;
      code: string | null;
      subcode: string | null;
      title: string | null;
      errorDetails: string | null;
      retryable: boolean;
      retryAfterMs?: number;
    },
  ) {
    super(message);
  }
}

const GraphErrorBodySchema = z.object({
  error: z.looseObject({
    message: z.string().optional(),
    type: z.string().optional(),
    code: z.union([z.number(), z.string()]).optional(),
    error_subcode: z.union([z.number(), z.string()]).optional(),
    error_user_title: z.string().optional(),
    error_data: z.union([z.object({ details: z.string().optional() }).partial(), z.string()]).optional(),
  }),
});

// Temporary by nature: throttling (4, 80007, 130429, 131056), service hiccups (1, 2, 131000, 133004).
const RETRYABLE_CODES = new Set(['1', '2', '4', '17', '341', '80007', '130429', '131000', '131056', '133004']);

function classify(httpStatus: number, body: unknown): GraphApiError {
  const parsed = GraphErrorBodySchema.safeParse(body);
  const error = parsed.success ? parsed.data.error : undefined;
  const code = error?.code === undefined ? null : String(error.code);
  const details = typeof error?.error_data === 'string' ? error.error_data : (error?.error_data?.details ?? null);
  const retryable = httpStatus === 429 || httpStatus >= 500 || (code !== null && RETRYABLE_CODES.has(code));
  return new GraphApiError(error?.message ?? `Graph API answered ${httpStatus}`, {
    httpStatus,
    code,
    subcode: error?.error_subcode === undefined ? null : String(error.error_subcode),
    title: error?.error_user_title ?? error?.type ?? null,
    errorDetails: details,
    retryable,
  });
}

const tooLarge = (httpStatus: number, message: string) =>
  new GraphApiError(message, {
    httpStatus,
    code: 'too_large',
    subcode: null,
    title: null,
    errorDetails: null,
    retryable: false,
  });

export interface GraphTarget {
  graphUrl: string;
  version: string;
  accessToken: string;
}

const UploadResponseSchema = z.object({ id: z.string().min(1) });

const MediaInfoSchema = z.object({
  url: z.string().url(),
  mime_type: z.string().optional(),
  sha256: z.string().optional(),
  file_size: z.union([z.number(), z.string()]).transform(Number).optional(),
  id: z.string().optional(),
});

/**
 * The few Graph API calls Santana makes, against WHATSAPP_GRAPH_URL (Meta, the simulator, or a test
 * fake). Knows the wire format and error classification, nothing about conversations.
 */
export function createGraphClient(options: { timeoutMs?: number; fetch?: typeof fetch } = {}) {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const doFetch = options.fetch ?? fetch;

  async function request(
    url: string,
    init: RequestInit & { accessToken: string; timeoutMs?: number },
  ): Promise<Response> {
    try {
      return await doFetch(url, {
        ...init,
        headers: { authorization: `Bearer ${init.accessToken}`, ...(init.headers ?? {}) },
        signal: AbortSignal.timeout(init.timeoutMs ?? timeoutMs),
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new GraphApiError(`Graph API unreachable: ${reason}`, {
        httpStatus: null,
        code: null,
        subcode: null,
        title: null,
        errorDetails: reason,
        retryable: true,
      });
    }
  }

  async function json(response: Response): Promise<unknown> {
    const text = await response.text();
    try {
      return text ? JSON.parse(text) : {};
    } catch {
      return { raw: text.slice(0, 500) };
    }
  }

  async function call<T>(
    target: GraphTarget,
    method: string,
    path: string,
    schema: z.ZodType<T>,
    body?: unknown,
  ): Promise<T> {
    const response = await request(`${target.graphUrl}/${target.version}/${path}`, {
      method,
      accessToken: target.accessToken,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return parse(response, schema);
  }

  async function parse<T>(response: Response, schema: z.ZodType<T>): Promise<T> {
    const payload = await json(response);
    if (!response.ok) {
      const error = classify(response.status, payload);
      const retryAfter = Number(response.headers.get('retry-after'));
      if (Number.isFinite(retryAfter) && retryAfter > 0) error.details.retryAfterMs = retryAfter * 1000;
      throw error;
    }
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      throw new GraphApiError('Graph API answered in an unexpected shape', {
        httpStatus: response.status,
        code: null,
        subcode: null,
        title: null,
        errorDetails: z.prettifyError(parsed.error).slice(0, 500),
        retryable: false,
      });
    }
    return parsed.data;
  }

  return {
    call,

    /**
     * Uploads a file for sending (POST /{phone-number-id}/media, multipart with messaging_product,
     * the MIME type and the file, as Meta documents it). The id it answers is what a send refers to.
     */
    async uploadMedia(
      target: GraphTarget,
      phoneNumberId: string,
      file: { blob: Blob; mimeType: string; fileName: string },
    ): Promise<string> {
      const form = new FormData();
      form.append('messaging_product', 'whatsapp');
      form.append('type', file.mimeType);
      form.append('file', file.blob, file.fileName);
      const response = await request(
        `${target.graphUrl}/${target.version}/${encodeURIComponent(phoneNumberId)}/media`,
        // A 100 MB document takes longer than a JSON call.
        { method: 'POST', accessToken: target.accessToken, body: form, timeoutMs: Math.max(timeoutMs, 120_000) },
      );
      return (await parse(response, UploadResponseSchema)).id;
    },

    /** Step 1 of a media download: the temporary URL and what Meta knows of the file. */
    mediaInfo: (target: GraphTarget, mediaId: string) =>
      call(target, 'GET', encodeURIComponent(mediaId), MediaInfoSchema),

    /** Step 2: the bytes, with the same bearer token, refusing anything over `maxBytes`. */
    async downloadMedia(target: GraphTarget, url: string, maxBytes: number): Promise<Buffer> {
      const response = await request(url, { method: 'GET', accessToken: target.accessToken });
      if (!response.ok) throw classify(response.status, await json(response));
      const declared = Number(response.headers.get('content-length'));
      if (Number.isFinite(declared) && declared > maxBytes) {
        throw tooLarge(response.status, `Media is ${declared} bytes, over the ${maxBytes} limit`);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      if (!response.body) return Buffer.alloc(0);
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        size += chunk.byteLength;
        if (size > maxBytes) {
          throw tooLarge(response.status, `Media is over the ${maxBytes} bytes limit`);
        }
        chunks.push(Buffer.from(chunk));
      }
      return Buffer.concat(chunks);
    },
  };
}

export type GraphClient = ReturnType<typeof createGraphClient>;
