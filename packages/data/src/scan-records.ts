import { noteIssue, type DatasetReport, type FileTally, type NoteIssueOptions } from './dataset-tally.js';
import { checkRecord, type RecordExpectation } from './formats/check-record.js';
import { FORMAT_FAMILY, type DataFamily, type DataFormat } from './formats/data-format.js';
import { DATA_FILE_EXTENSIONS } from './read/list-data-files.js';
import { readRecords, type ReadRecordsOptions } from './read/read-records.js';
import type { RecordIssue, SourcedRecord } from './record-issue.js';
import { STAGE_EXTENSIONS, STAGE_FAMILIES, type Stage } from './stage.js';

/** What to read and check; `strict` stops at the first error (a DataError) instead of skipping. */
export interface ScanOptions extends ReadRecordsOptions, NoteIssueOptions {
  /** The stage the data is for: fixes the family and the file extensions searched. */
  readonly stage?: Stage;
  /** Every record must be this exact format (checked as it, field by field). */
  readonly format?: DataFormat;
  /**
   * Every record must be a format of this family. Default: the stage's; for a stage that accepts
   * several (KTO: unpaired or preference), the first record's among them; without a stage, the first
   * record's.
   */
  readonly family?: DataFamily;
}

/** A record that passed its checks, with the format it was checked as. */
export interface CheckedRecord {
  readonly record: SourcedRecord<Readonly<Record<string, unknown>>>;
  readonly format: DataFormat;
}

const RECORD_LEVEL = new Set(['invalid-json', 'invalid-utf8', 'line-too-long']);

/**
 * Reads and checks every record under `paths`, yielding the usable ones and tallying everything in
 * `report`: records, per-file counts, issues by kind. A record with an error is skipped and counted
 * (or, with `strict`, stops the scan with a DataError).
 */
export async function* scanRecords(
  paths: string | readonly string[],
  options: ScanOptions,
  report: DatasetReport,
): AsyncGenerator<CheckedRecord> {
  const extensions =
    options.extensions ?? (options.stage ? STAGE_EXTENSIONS[options.stage] : DATA_FILE_EXTENSIONS);
  const accepted =
    options.format || options.family || !options.stage ? undefined : STAGE_FAMILIES[options.stage];
  let family = options.format
    ? undefined
    : (options.family ?? (accepted?.length === 1 ? accepted[0] : undefined));
  report.family = options.format ? FORMAT_FAMILY[options.format] : family;
  let tally: FileTally | undefined;
  const note = (issue: RecordIssue) => noteIssue(report, issue, options);

  for await (const event of readRecords(paths, { ...options, extensions })) {
    if (event.kind === 'ignored-file') report.ignoredFiles.push(event.file);
    else if (event.kind === 'file') {
      tally = { file: event.file, layout: event.layout, records: 0, valid: 0, invalid: 0, withWarnings: 0 };
      report.files.push(tally);
    } else if (event.kind === 'issue') {
      if (RECORD_LEVEL.has(event.issue.code)) count(report, tally!, 'invalid');
      else if (event.issue.severity === 'error') report.fileErrors += 1;
      note(event.issue);
    } else {
      const { value, source } = event.record;
      const expect: RecordExpectation = { format: options.format, family, families: accepted };
      const check = checkRecord(value, source, expect);
      const decides = check.format && (!accepted || accepted.includes(FORMAT_FAMILY[check.format]));
      if (!options.format && !family && decides) {
        family = FORMAT_FAMILY[check.format!];
        report.family = family;
        report.familySource = source;
      }
      count(report, tally!, check.ok ? 'valid' : 'invalid');
      if (check.ok && check.issues.length > 0) {
        report.withWarnings += 1;
        tally!.withWarnings += 1;
      }
      for (const issue of check.issues) note(issue);
      if (check.ok) {
        report.formats[check.format!] = (report.formats[check.format!] ?? 0) + 1;
        yield { record: event.record as CheckedRecord['record'], format: check.format! };
      }
    }
  }
}

function count(report: DatasetReport, tally: FileTally, outcome: 'valid' | 'invalid'): void {
  report.records += 1;
  tally.records += 1;
  report[outcome] += 1;
  tally[outcome] += 1;
}
