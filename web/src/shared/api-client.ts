/** An error the API answered with: `{error, message}` (DESIGN.md §4.3), or a network failure. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The API's `details`, e.g. `[{field, message}]` for a form's fields. */
    readonly details?: unknown,
  ) {
    super(message);
  }
}

const NETWORK_MESSAGE = 'Não foi possível falar com o servidor. Verifique a conexão e tente de novo.';

/** fetch for our own API: same-origin cookie, JSON in and out, errors as ApiError with a Portuguese sentence. */
export async function apiRequest<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers:
        body === undefined
          ? { accept: 'application/json' }
          : { 'content-type': 'application/json', accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network_error', NETWORK_MESSAGE);
  }
  const text = await response.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    const payload = (data ?? {}) as { error?: string; message?: string; details?: unknown };
    throw new ApiError(
      response.status,
      payload.error ?? 'http_error',
      payload.message ?? `O servidor respondeu com erro (${response.status}). Tente de novo em instantes.`,
      payload.details,
    );
  }
  return data as T;
}
