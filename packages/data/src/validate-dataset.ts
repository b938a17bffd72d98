import { emptyReport, type DatasetReport } from './dataset-tally.js';
import { scanRecords, type ScanOptions } from './scan-records.js';

/**
 * MedicalGPT's tools/validate_jsonl.py, extended: checks every record of a file or directory
 * (any format; tool roles accepted) and returns the counts and the issues, each with file:line, field,
 * reason and expected form. Nothing is changed on disk.
 */
export async function validateDataset(
  paths: string | readonly string[],
  options: ScanOptions = {},
): Promise<DatasetReport> {
  const report = emptyReport();
  for await (const _ of scanRecords(paths, options, report)) {
    // scanRecords tallies as it goes; the records themselves are not needed here.
  }
  return report;
}
