/** Where a record came from: the file and its 1-based line (0 = the file as a whole). */
export interface RecordSource {
  readonly file: string;
  readonly line: number;
}

/** A parsed record and where it came from. */
export interface SourcedRecord<T = unknown> {
  readonly value: T;
  readonly source: RecordSource;
}

/** `error`: the record is unusable and is skipped (or fails a strict run). `warning`: kept, but altered. */
export type IssueSeverity = 'error' | 'warning';

/** Machine-readable kinds of problems; `message` says the rest. */
export type IssueCode =
  | 'invalid-json'
  | 'invalid-utf8'
  | 'line-too-long'
  | 'not-an-object'
  | 'unknown-format'
  | 'format-mismatch'
  | 'missing-field'
  | 'wrong-type'
  | 'empty-value'
  | 'unknown-role'
  | 'role-order'
  | 'no-answered-question'
  | 'multi-message-answer'
  | 'invalid-function-call'
  | 'invalid-tools'
  | 'identical-responses'
  | 'byte-order-mark'
  | 'not-an-array'
  | 'too-long'
  | 'no-trainable-labels';

/** One problem with one record (or with a whole file when `line` is 0). */
export interface RecordIssue extends RecordSource {
  readonly severity: IssueSeverity;
  readonly code: IssueCode;
  /** JSON path of the offending field, e.g. `conversations[2].from`. */
  readonly field?: string;
  /** What is wrong. */
  readonly message: string;
  /** The form that is expected instead. */
  readonly expected?: string;
}

/** `file:line: severity: field: message (expected ...)`, the form every tool prints. */
export function formatIssue(issue: RecordIssue): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}` : issue.file;
  const field = issue.field ? `${issue.field}: ` : '';
  const expected = issue.expected ? ` (expected ${issue.expected})` : '';
  return `${where}: ${issue.severity}: ${field}${issue.message}${expected}`;
}

/** A record problem raised as an exception, for strict runs. */
export class DataError extends Error {
  override readonly name = 'DataError';
  constructor(readonly issue: RecordIssue) {
    super(formatIssue(issue));
  }
}
