import type { DatasetReport, RecordIssue } from '@medgpt/data';

/** What a stage read and kept, for the log: nothing it skipped goes unsaid. */
export interface StageDataSummary {
  /** The stage's name, e.g. `dpo`. */
  stage: string;
  /** What a training row is, plural (`pairs`, `samples`, `blocks`). */
  unit: string;
  trainRows: number;
  evalRows: number;
  /** The readers' reports: records seen, invalid ones (skipped), their issues. */
  reports: readonly (DatasetReport | undefined)[];
  /** Rows the stage itself left out after reading (too long, empty side ...), with file:line. */
  dropped?: readonly RecordIssue[];
  /** Rows cut to fit (their count and why), e.g. `12 rows cut to max_length 1024`. */
  truncated?: string;
  /** --strict_data: any skipped record or row is an error (the lines are its message). */
  strict?: boolean;
}

/** How many locations each reason lists. */
const SHOWN = 3;

/**
 * Log lines saying how many rows a stage trains on and every reason rows were skipped, each with its
 * count and the first file:line locations, so a half-broken file never trains silently. With `strict`
 * a skipped record or row is an error carrying the same lines.
 */
export function dataReportLines(s: StageDataSummary): string[] {
  const reports = s.reports.filter((r): r is DatasetReport => r !== undefined);
  const records = reports.reduce((n, r) => n + r.records, 0);
  const invalid = reports.reduce((n, r) => n + r.invalid, 0);
  const lines = [
    `${s.stage} data: ${records} records read, ${invalid} invalid; ` +
      `${s.trainRows} training ${s.unit}, ${s.evalRows} evaluation`,
  ];
  const recordErrors = firstPerRecord(reports.flatMap((r) => r.issues.filter((i) => i.severity === 'error')));
  for (const line of byReason(recordErrors, 'invalid record')) lines.push(line);
  for (const line of byReason(s.dropped ?? [], 'row')) lines.push(line);
  if (s.truncated) lines.push(`  ${s.truncated}`);
  const skipped = invalid + (s.dropped?.length ?? 0);
  if (s.strict && skipped > 0) {
    throw new Error(
      `--strict_data: ${skipped} record(s) or row(s) would be skipped; fix or remove them, or drop --strict_data:\n${lines.join('\n')}`,
    );
  }
  return lines;
}

/** "  skipped 3 rows (too-long): a.jsonl:4, a.jsonl:9, a.jsonl:11" per issue code. */
function byReason(issues: readonly RecordIssue[], what: string): string[] {
  const groups = new Map<string, RecordIssue[]>();
  for (const issue of issues) groups.set(issue.code, [...(groups.get(issue.code) ?? []), issue]);
  return [...groups.entries()].map(([code, list]) => {
    const where = list.slice(0, SHOWN).map((i) => (i.line > 0 ? `${i.file}:${i.line}` : i.file));
    const more = list.length > SHOWN ? `, ... (${list.length - SHOWN} more)` : '';
    const first = list[0]!;
    const detail = `${first.field ? `${first.field}: ` : ''}${first.message}`;
    return `  skipped ${list.length} ${what}${list.length === 1 ? '' : 's'} (${code}: ${detail}): ${where.join(', ')}${more}`;
  });
}

/** A record with several errors is one skipped record: keep its first. */
function firstPerRecord(issues: readonly RecordIssue[]): RecordIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.file}:${i.line}`;
    if (i.line > 0 && seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
