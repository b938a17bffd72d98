import type { DataFamily, DataFormat } from './formats/data-format.js';
import type { FileLayout } from './read/read-records.js';
import {
  DataError,
  type IssueCode,
  type IssueSeverity,
  type RecordIssue,
  type RecordSource,
} from './record-issue.js';

/** Counts for one file. */
export interface FileTally {
  readonly file: string;
  readonly layout: FileLayout;
  records: number;
  valid: number;
  invalid: number;
  withWarnings: number;
}

/** What a pass over a dataset found: every record counted, every issue counted (and the first ones kept). */
export interface DatasetReport {
  readonly files: FileTally[];
  /** Files under a directory that were not read because of their extension. */
  readonly ignoredFiles: string[];
  /** Records seen, readable or not (a line of invalid JSON is a record). */
  records: number;
  /** Records without errors (warnings allowed). */
  valid: number;
  /** Records with at least one error: skipped. */
  invalid: number;
  withWarnings: number;
  /** Usable records per format. */
  readonly formats: Partial<Record<DataFormat, number>>;
  /** The family every record must belong to, and the record that decided it when it was detected. */
  family?: DataFamily;
  familySource?: RecordSource;
  /** Issues by `severity:code`. */
  readonly issueCounts: Partial<Record<`${IssueSeverity}:${IssueCode}`, number>>;
  /** The first `maxIssues` issues, in file order. */
  readonly issues: RecordIssue[];
  /** File-level errors (a file that is not a JSON array, ...). */
  fileErrors: number;
}

export function emptyReport(): DatasetReport {
  return {
    files: [],
    ignoredFiles: [],
    records: 0,
    valid: 0,
    invalid: 0,
    withWarnings: 0,
    formats: {},
    issueCounts: {},
    issues: [],
    fileErrors: 0,
  };
}

/** Total issues of one severity. */
export function countIssues(report: DatasetReport, severity: IssueSeverity): number {
  let total = 0;
  for (const [key, count] of Object.entries(report.issueCounts))
    if (key.startsWith(`${severity}:`)) total += count;
  return total;
}

export interface NoteIssueOptions {
  /** How many issues the report keeps (all are counted); default 1000. */
  readonly maxIssues?: number;
  /** Called with every issue as it is found. */
  readonly onIssue?: (issue: RecordIssue) => void;
  /** Throw a DataError on the first error. */
  readonly strict?: boolean;
}

/** Counts an issue in the report, keeps it if there is room, passes it on; strict runs stop at an error. */
export function noteIssue(report: DatasetReport, issue: RecordIssue, options: NoteIssueOptions): void {
  const key = `${issue.severity}:${issue.code}` as const;
  report.issueCounts[key] = (report.issueCounts[key] ?? 0) + 1;
  if (report.issues.length < (options.maxIssues ?? 1000)) report.issues.push(issue);
  options.onIssue?.(issue);
  if (options.strict && issue.severity === 'error') throw new DataError(issue);
}
