/**
 * What went wrong, for callers that map errors to their own reports (the CLI to exit codes, an HTTP
 * server to status codes): `invalid-option` is a bad value of a named option or request field
 * (`param`), `unsupported` something not implemented yet, `not-found` an unknown adapter or request,
 * `closed` an engine that no longer takes requests, `capacity` a request that can never fit.
 */
export type ServingErrorCode = 'invalid-option' | 'unsupported' | 'not-found' | 'closed' | 'capacity';

/** An error of @medgpt/serving: a code, the option or field it concerns, and a message naming both. */
export class ServingError extends Error {
  override readonly name = 'ServingError';

  constructor(
    readonly code: ServingErrorCode,
    message: string,
    /** The option or request field at fault (`top_p`, `max_tokens`), when there is one. */
    readonly param?: string,
  ) {
    super(message);
  }
}
