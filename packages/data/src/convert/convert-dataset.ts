import { emptyReport, noteIssue, type DatasetReport } from '../dataset-tally.js';
import { checkRecord, type RecordExpectation } from '../formats/check-record.js';
import { toCanonical } from '../formats/to-canonical.js';
import { readRecords } from '../read/read-records.js';
import type { RecordIssue } from '../record-issue.js';
import { scanRecords } from '../scan-records.js';
import { AtomicJsonlWriter } from './atomic-jsonl-writer.js';
import { readTsvRecords } from './read-tsv-records.js';

/**
 * convert_dataset.py's `--data_type`: `alpaca`, `qa`, `sharegpt` (renames `items`), `json2jsonl`
 * (a JSON array to JSON lines, records unchanged); and ours: `preference` (TRL's prompt/chosen/rejected
 * as strings or message lists, its implicit-prompt lists, LLaMA-Factory's answer turns and the legacy
 * question/response_chosen/response_rejected to MedicalGPT's preference format) and `auto` (every
 * record to its family's canonical format; unpaired KTO rows to conversations/completion/label).
 */
export type ConvertDataType = 'alpaca' | 'qa' | 'sharegpt' | 'json2jsonl' | 'preference' | 'auto';
export const CONVERT_DATA_TYPES: readonly ConvertDataType[] = [
  'alpaca',
  'qa',
  'sharegpt',
  'json2jsonl',
  'preference',
  'auto',
];

export interface ConvertOptions {
  /** `--in_file`. */
  readonly inFile: string;
  /** `--out_file`: written atomically (a temporary file renamed into place). */
  readonly outFile: string;
  /** `--data_type` (default alpaca). */
  readonly dataType?: ConvertDataType;
  /** `--file_type`: json (JSON array or JSON lines, the default), jsonl, or csv (tab-separated). */
  readonly fileType?: 'json' | 'jsonl' | 'csv';
  /** Stop at the first bad record and write nothing. Default: skip it and count it. */
  readonly strict?: boolean;
  readonly maxLineBytes?: number;
  readonly maxIssues?: number;
  readonly onIssue?: (issue: RecordIssue) => void;
}

export interface ConvertResult {
  /** Records written. */
  readonly written: number;
  readonly report: DatasetReport;
  /** Input fields with no place in the output, and how many records had each. */
  readonly droppedKeys: Readonly<Record<string, number>>;
}

const EXPECTATION: Readonly<Record<Exclude<ConvertDataType, 'json2jsonl'>, RecordExpectation>> = {
  alpaca: { format: 'alpaca' },
  qa: { format: 'qa' },
  sharegpt: { family: 'conversation' },
  preference: { family: 'preference' },
  auto: {},
};

/** Converts one file to MedicalGPT's JSONL, record by record (streamed), reporting every skipped record. */
export async function convertDataset(options: ConvertOptions): Promise<ConvertResult> {
  const writer = new AtomicJsonlWriter(options.outFile);
  const report = emptyReport();
  const droppedKeys: Record<string, number> = {};
  try {
    const dataType = options.dataType ?? 'alpaca';
    if (dataType === 'json2jsonl') await copyRecords(options, writer, report);
    else {
      for await (const { record, format } of convertibleRecords(options, dataType, report)) {
        const canonical = toCanonical(record.value, format);
        for (const key of canonical.droppedKeys) droppedKeys[key] = (droppedKeys[key] ?? 0) + 1;
        await writer.write(canonical.value);
      }
    }
    await writer.commit();
  } catch (err) {
    await writer.abort();
    throw err;
  }
  return { written: writer.lines, report, droppedKeys };
}

function convertibleRecords(
  options: ConvertOptions,
  dataType: Exclude<ConvertDataType, 'json2jsonl'>,
  report: DatasetReport,
) {
  const scan = { ...options, ...EXPECTATION[dataType], extensions: undefined };
  if (options.fileType === 'csv') return tsvRecords(options, dataType, scan, report);
  return scanRecords(options.inFile, scan, report);
}

/** json2jsonl: every element of the array becomes one line, unchanged (only JSON validity is checked). */
async function copyRecords(
  options: ConvertOptions,
  writer: AtomicJsonlWriter,
  report: DatasetReport,
): Promise<void> {
  for await (const event of readRecords(options.inFile, { maxLineBytes: options.maxLineBytes })) {
    if (event.kind === 'record') {
      report.records += 1;
      report.valid += 1;
      await writer.write(event.record.value);
    } else if (event.kind === 'issue') {
      if (event.issue.code !== 'byte-order-mark') {
        report.records += 1;
        report.invalid += 1;
      }
      noteIssue(report, event.issue, options);
    }
  }
}

async function* tsvRecords(
  options: ConvertOptions,
  dataType: Exclude<ConvertDataType, 'json2jsonl'>,
  scan: RecordExpectation,
  report: DatasetReport,
) {
  const columns = dataType === 'qa' ? ['input', 'output'] : ['instruction', 'input', 'output'];
  const format = dataType === 'qa' ? 'qa' : 'alpaca';
  for await (const row of readTsvRecords(options.inFile, columns, options.maxLineBytes)) {
    report.records += 1;
    if ('problem' in row) {
      report.invalid += 1;
      noteIssue(
        report,
        {
          file: options.inFile,
          line: row.line,
          severity: 'error',
          code: 'wrong-type',
          message: row.problem,
          expected: 'one tab-separated row per line',
        },
        options,
      );
      continue;
    }
    const check = checkRecord(row.value, row.source, { ...scan, format });
    for (const issue of check.issues) noteIssue(report, issue, options);
    report[check.ok ? 'valid' : 'invalid'] += 1;
    if (check.ok)
      yield { record: row as { value: Record<string, unknown>; source: typeof row.source }, format } as const;
  }
}
