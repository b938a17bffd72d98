/**
 * A model or tokenizer that cannot be exported to GGUF as asked. The message names the file, the
 * config key or tensor concerned, what is wrong and what was expected.
 */
export class GgufExportError extends Error {
  override readonly name = 'GgufExportError';
  /** The file (or directory) concerned. */
  readonly file: string;
  /** The config key, tokenizer field or tensor name concerned, when the problem is about one. */
  readonly field: string | undefined;

  constructor(file: string, field: string | undefined, problem: string, options?: ErrorOptions) {
    super(`${file}${field === undefined ? '' : `: ${JSON.stringify(field)}`}: ${problem}`, options);
    this.file = file;
    this.field = field;
  }
}
