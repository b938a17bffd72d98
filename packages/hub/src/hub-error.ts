/** Where a Hub id failed and what to do about it; every field but the id is optional. */
export interface HubErrorDetails {
  /** The repo id (`org/name@revision`) or the path as given. */
  readonly id: string;
  /** The option it came from (`model_name_or_path`), named first in the message as `--option`. */
  readonly option?: string;
  /** The Hugging Face cache directory that was looked in. */
  readonly cacheDir?: string;
  /** The HTTP status the Hub answered, when it answered with an error. */
  readonly status?: number;
  /** The URL of that request. */
  readonly url?: string;
  /** What to do about it. */
  readonly hint?: string;
}

/**
 * A model id or directory that could not be resolved to a local directory: not a directory, not a
 * valid Hub id, not in the cache while offline, or refused by the Hub. The message reads
 * `--option id: problem (Hugging Face cache: dir). hint`, so it can be acted on without a stack trace.
 */
export class HubError extends Error {
  override readonly name = 'HubError';
  readonly id: string;
  readonly option: string | undefined;
  readonly cacheDir: string | undefined;
  readonly status: number | undefined;
  readonly url: string | undefined;
  readonly hint: string | undefined;

  constructor(
    /** What went wrong, without the where and the hint. */
    readonly problem: string,
    details: HubErrorDetails,
    options?: ErrorOptions,
  ) {
    const where = details.option === undefined ? details.id : `--${details.option} ${details.id}`;
    const cache = details.cacheDir === undefined ? '' : ` (Hugging Face cache: ${details.cacheDir})`;
    super(`${where}: ${problem}${cache}${details.hint === undefined ? '' : `. ${details.hint}`}`, options);
    this.id = details.id;
    this.option = details.option;
    this.cacheDir = details.cacheDir;
    this.status = details.status;
    this.url = details.url;
    this.hint = details.hint;
  }
}

/** `err` naming the option its value came from (unchanged when it names one already). */
export function withOption(err: HubError, option: string | undefined): HubError {
  if (option === undefined || err.option !== undefined) return err;
  return new HubError(err.problem, { ...err, option }, { cause: err.cause });
}
