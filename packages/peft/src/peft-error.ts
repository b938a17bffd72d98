/**
 * An adapter, adapter config or request that cannot be honoured. The message names the file (or the
 * adapter), the field or tensor concerned, what is wrong and what was expected.
 */
export class PeftError extends Error {
  override readonly name = 'PeftError';
  /** The file, directory or adapter concerned. */
  readonly file: string;
  /** The config key, module or tensor concerned, when the problem is about one. */
  readonly field: string | undefined;

  constructor(file: string, field: string | undefined, problem: string, options?: ErrorOptions) {
    super(`${file}${field === undefined ? '' : `: ${JSON.stringify(field)}`}: ${problem}`, options);
    this.file = file;
    this.field = field;
  }
}
