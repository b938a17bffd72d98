import { countIssues, type DatasetReport } from './dataset-tally.js';
import { describeFormat, type DataFormat } from './formats/data-format.js';

const n = (value: number) => value.toLocaleString('en-US');

/**
 * The closing summary of a validate or convert run, in the spirit of validate_jsonl.py's totals:
 * records, valid, invalid, with warnings; formats found; issues by kind; per-file counts.
 */
export function formatDatasetReport(report: DatasetReport): string {
  const lines: string[] = [];
  const files = report.files.length;
  lines.push(
    `${n(report.records)} records in ${files} file${files === 1 ? '' : 's'}: ` +
      `${n(report.valid)} valid (${n(report.withWarnings)} with warnings), ${n(report.invalid)} invalid`,
  );
  if (report.family) {
    const from = report.familySource
      ? ` (set by ${report.familySource.file}:${report.familySource.line})`
      : '';
    lines.push(`data: ${report.family}${from}`);
  }
  const formats = Object.entries(report.formats) as [DataFormat, number][];
  if (formats.length > 0)
    lines.push(`formats: ${formats.map(([f, c]) => `${describeFormat(f)} ${n(c)}`).join(', ')}`);
  for (const severity of ['error', 'warning'] as const) {
    const kinds = Object.entries(report.issueCounts)
      .filter(([key]) => key.startsWith(`${severity}:`))
      .map(([key, count]) => `${key.slice(severity.length + 1)} ${n(count)}`);
    if (kinds.length > 0)
      lines.push(`${severity}s (${n(countIssues(report, severity))}): ${kinds.join(', ')}`);
  }
  if (report.fileErrors > 0) lines.push(`files that could not be read to the end: ${report.fileErrors}`);
  if (report.ignoredFiles.length > 0) {
    const shown = report.ignoredFiles.slice(0, 5).join(', ');
    const more = report.ignoredFiles.length > 5 ? ` and ${report.ignoredFiles.length - 5} more` : '';
    lines.push(`not read (extension): ${shown}${more}`);
  }
  if (files > 1) {
    for (const f of report.files)
      lines.push(`  ${f.file}: ${n(f.records)} records, ${n(f.valid)} valid, ${n(f.invalid)} invalid`);
  }
  const shownIssues = report.issues.length;
  const allIssues = countIssues(report, 'error') + countIssues(report, 'warning');
  if (allIssues > shownIssues)
    lines.push(`(${n(allIssues - shownIssues)} more issues counted but not listed)`);
  return lines.join('\n');
}
