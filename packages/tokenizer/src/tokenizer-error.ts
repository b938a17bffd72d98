/** Where a problem was found and what was expected there; every field is optional. */
export interface TokenizerErrorDetails {
  /** Path of the file concerned (tokenizer.json, tokenizer_config.json, a training text...). */
  readonly file?: string;
  /** Dotted path of the JSON field concerned, e.g. `model.vocab`. */
  readonly field?: string;
  /** The form that was expected, e.g. `an object mapping token -> id`. */
  readonly expected?: string;
  /** What to do about it. */
  readonly hint?: string;
}

/**
 * A tokenizer that cannot be loaded, saved, trained or used as asked. The message reads
 * `file: field: problem; expected ...; hint`, so it can be acted on without a stack trace.
 */
export class TokenizerError extends Error {
  override readonly name = 'TokenizerError';
  readonly file: string | undefined;
  readonly field: string | undefined;
  readonly expected: string | undefined;
  readonly hint: string | undefined;

  constructor(problem: string, details: TokenizerErrorDetails = {}, options?: ErrorOptions) {
    super(formatMessage(problem, details), options);
    this.file = details.file;
    this.field = details.field;
    this.expected = details.expected;
    this.hint = details.hint;
  }
}

function formatMessage(problem: string, d: TokenizerErrorDetails): string {
  const where = [d.file, d.field].filter((s) => s !== undefined).join(': ');
  let message = where === '' ? problem : `${where}: ${problem}`;
  if (d.expected !== undefined) message += `; expected ${d.expected}`;
  if (d.hint !== undefined) message += `. ${d.hint}`;
  return message;
}
