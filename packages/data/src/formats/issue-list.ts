import type { IssueCode, RecordIssue, RecordSource } from '../record-issue.js';

/** Collects the issues of one record, each stamped with the record's file and line. */
export class IssueList {
  readonly issues: RecordIssue[] = [];

  constructor(readonly source: RecordSource) {}

  error(code: IssueCode, field: string | undefined, message: string, expected?: string): void {
    this.issues.push({ ...this.source, severity: 'error', code, field, message, expected });
  }

  warning(code: IssueCode, field: string | undefined, message: string, expected?: string): void {
    this.issues.push({ ...this.source, severity: 'warning', code, field, message, expected });
  }

  get hasErrors(): boolean {
    return this.issues.some((issue) => issue.severity === 'error');
  }
}

/** JSON type names for messages: `array`, `null`, `object`, `string`, ... */
export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

export interface StringFieldOptions {
  /** Absent (or null) is fine. */
  readonly optional?: boolean;
  /** An empty or blank string is fine. */
  readonly allowEmpty?: boolean;
  /** What the field holds, for the `expected` text. */
  readonly what?: string;
}

/**
 * Checks that `record[key]` is a string (non-blank unless allowed) and reports what is wrong with it;
 * returns the string when it is usable.
 */
export function checkString(
  record: Readonly<Record<string, unknown>>,
  key: string,
  issues: IssueList,
  options: StringFieldOptions = {},
  field = key,
): string | undefined {
  const value = record[key];
  const what = options.what ?? 'text';
  if (value === undefined || value === null) {
    if (!options.optional) issues.error('missing-field', field, `missing "${key}"`, `a string (${what})`);
    return undefined;
  }
  if (typeof value !== 'string') {
    issues.error('wrong-type', field, `is ${jsonType(value)}`, `a string (${what})`);
    return undefined;
  }
  if (!options.allowEmpty && value.trim() === '') {
    issues.error('empty-value', field, 'is empty', `non-empty ${what}`);
    return undefined;
  }
  return value;
}
