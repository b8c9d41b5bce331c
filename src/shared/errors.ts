/** Every error code the API can answer with, mapped to its HTTP status (the compiler flags a missing one). */
export const ERROR_STATUS = {
  // First among the 400s, so a bare 400 still maps to validation_failed (the error handler's reverse map).
  /** An uploaded CSV that cannot be read: a quote left open, a header with unknown or missing columns. */
  invalid_csv: 400,
  bad_request: 400,
  invalid_json: 400,
  validation_failed: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  forbidden: 403,
  csrf_rejected: 403,
  not_found: 404,
  // Listed before `conflict`, which stays the generic code for a bare 409 (the error handler's reverse map).
  /** The provider is already booked (assigned or accepted) on an overlapping event; the message names it. */
  provider_unavailable: 409,
  /** The event does not ask for that service, or every slot for it is already filled. */
  staffing_full: 409,
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
