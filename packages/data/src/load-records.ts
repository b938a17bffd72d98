import { emptyReport, type DatasetReport } from './dataset-tally.js';
import type { DataFamily, FamilyRecord } from './formats/data-format.js';
import { canonicalFormatOf, toCanonical } from './formats/to-canonical.js';
import type { SourcedRecord } from './record-issue.js';
import { scanRecords, type ScanOptions } from './scan-records.js';

/** A family's records, converted to its canonical format, with the report of the pass that read them. */
export interface LoadedRecords<T> {
  readonly records: SourcedRecord<T>[];
  readonly report: DatasetReport;
  /** Records converted from another format of the family (Alpaca -> ShareGPT, ...). */
  readonly converted: number;
  /** Input fields with no place in the canonical format, and how many records had each. */
  readonly droppedKeys: Readonly<Record<string, number>>;
}

/**
 * Reads a file or directory into memory as canonical records of one family (ShareGPT conversations,
 * preference rows, unpaired rows, GRPO questions or text), converting the family's other formats on
 * the way. Bad records are skipped and counted in `report` (or stop a `strict` load with a DataError).
 * Without `family`, the stage's or the first record's decides (`report.family` says which).
 */
export async function loadRecords<F extends DataFamily = DataFamily>(
  paths: string | readonly string[],
  options: ScanOptions & { readonly family?: F },
): Promise<LoadedRecords<FamilyRecord[F]>> {
  const report = emptyReport();
  const records: SourcedRecord<FamilyRecord[F]>[] = [];
  const droppedKeys: Record<string, number> = {};
  let converted = 0;
  for await (const { record, format } of scanRecords(paths, options, report)) {
    const canonical = toCanonical(record.value, format);
    if (format !== canonicalFormatOf(format)) converted += 1;
    for (const key of canonical.droppedKeys) droppedKeys[key] = (droppedKeys[key] ?? 0) + 1;
    records.push({ value: canonical.value as FamilyRecord[F], source: record.source });
  }
  return { records, report, converted, droppedKeys };
}
