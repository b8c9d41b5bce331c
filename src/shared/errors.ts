/** Every error code the API can answer with, mapped to its HTTP status (the compiler flags a missing one). */
export const ERROR_STATUS = {
  bad_request: 400,
  invalid_json: 400,
  validation_failed: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  forbidden: 403,
  csrf_rejected: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  window_closed: 422,
  last_administrator: 422,
  /** The template is not synced for the inbox, or Meta has not approved it. */
  template_unavailable: 422,
  /** The template's parameters do not fit what Meta approved (details list each problem). */
  template_parameters_invalid: 422,
  too_many_requests: 429,
  internal_error: 500,
  unavailable: 503,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** The one error type services throw; the HTTP error handler turns it into `{error, message, details?}`. */
export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = ERROR_STATUS[code];
  }
}

export const notFound = (what = 'Recurso') => new AppError('not_found', `${what} não encontrado.`);
