/**
 * A model directory, config or weight that cannot be used as asked. The message names the file, the
 * field or tensor concerned, what is wrong and what was expected.
 */
export class ModelError extends Error {
  override readonly name = 'ModelError';
  /** The file (or directory) concerned. */
  readonly file: string;
  /** The config key or tensor name concerned, when the problem is about one. */
  readonly field: string | undefined;

  constructor(file: string, field: string | undefined, problem: string, options?: ErrorOptions) {
    super(`${file}${field === undefined ? '' : `: ${JSON.stringify(field)}`}: ${problem}`, options);
    this.file = file;
    this.field = field;
  }
}
