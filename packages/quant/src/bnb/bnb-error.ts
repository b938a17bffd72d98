/** Options of `BnbError`: what the subject is (a tensor by default, or a config key). */
export interface BnbErrorOptions extends ErrorOptions {
  subject?: 'tensor' | 'key';
}

/**
 * A bitsandbytes-quantised weight, its config, or the request to make one that cannot be read or
 * written as asked. The message names the file (or the function, for in-memory data), the tensor or
 * config key, what is wrong and the form bitsandbytes / transformers expect.
 */
export class BnbError extends Error {
  override readonly name = 'BnbError';
  /** The file concerned, or the function name when the data is in memory. */
  readonly file: string;
  /** The tensor (or config key, see `subject`) concerned, when the problem is about one. */
  readonly tensor: string | undefined;
  /** Whether `tensor` names a tensor or a config key. */
  readonly subject: 'tensor' | 'key';

  constructor(file: string, tensor: string | undefined, problem: string, options: BnbErrorOptions = {}) {
    const subject = options.subject ?? 'tensor';
    super(
      `${file}${tensor === undefined ? '' : `: ${subject} ${JSON.stringify(tensor)}`}: ${problem}`,
      options,
    );
    this.file = file;
    this.tensor = tensor;
    this.subject = subject;
  }
}
