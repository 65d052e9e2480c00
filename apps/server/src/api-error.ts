import { UnmaskError } from '@unmask/tensor';

export type ApiErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'server_error';

/** The body of every error response, as OpenAI's API shapes it. */
export interface ApiErrorBody {
  error: { message: string; type: ApiErrorType; param: string | null; code: string | null };
}

/** An error the server answers with a status and an OpenAI-style error object (never a stack trace). */
export class ApiError extends UnmaskError {
  constructor(
    readonly status: number,
    message: string,
    readonly type: ApiErrorType,
    readonly param: string | null = null,
    readonly code: string | null = null,
    /** Extra response headers (Retry-After, WWW-Authenticate). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }

  static invalid(param: string | null, message: string, code = 'invalid_value'): ApiError {
    return new ApiError(400, message, 'invalid_request_error', param, code);
  }

  get body(): ApiErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** The queue is full: 429 with a Retry-After estimate. */
export class QueueFullError extends ApiError {
  constructor(
    readonly waiting: number,
    retryAfterSeconds: number,
  ) {
    super(
      429,
      `the server is busy: ${waiting} requests are waiting; retry in about ${retryAfterSeconds} s`,
      'rate_limit_error',
      null,
      'queue_full',
      { 'Retry-After': String(retryAfterSeconds) },
    );
  }
}

/** The client went away (or the request was cancelled) before its generation finished. */
export class GenerationCancelledError extends UnmaskError {
  constructor() {
    super('the generation was cancelled');
  }
}
