import { ServingError } from '@medgpt/serving';

/** OpenAI's error `type` for each status we answer with (vLLM's names). */
const TYPES: Record<number, string> = {
  400: 'BadRequestError',
  401: 'AuthenticationError',
  404: 'NotFoundError',
  405: 'MethodNotAllowedError',
  413: 'RequestTooLargeError',
  415: 'UnsupportedMediaTypeError',
  429: 'RateLimitError',
  500: 'InternalServerError',
  503: 'ServiceUnavailableError',
};

/**
 * An error answered as OpenAI's `{"error": {"message", "type", "param", "code"}}` with an HTTP
 * status; `code` is the status, as vLLM sends it.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    message: string,
    /** The request field at fault, for 400s. */
    readonly param: string | null = null,
  ) {
    super(message);
  }

  get type(): string {
    return TYPES[this.status] ?? 'InternalServerError';
  }

  toJSON(): { error: { message: string; type: string; param: string | null; code: number } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.status } };
  }

  /** Any thrown value as an ApiError: the serving package's codes map to statuses, the rest is a 500. */
  static from(err: unknown): ApiError {
    if (err instanceof ApiError) return err;
    if (err instanceof ServingError) {
      const status = {
        'invalid-option': 400,
        unsupported: 400,
        capacity: 400,
        'not-found': 404,
        closed: 503,
      }[err.code];
      return new ApiError(status, err.message, err.param ?? null);
    }
    return new ApiError(500, err instanceof Error ? err.message : String(err));
  }
}
