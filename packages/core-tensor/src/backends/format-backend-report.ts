import type { BackendReport } from './select-backend.js';

/** The report as log lines: the chosen backend and why, then each skipped candidate and why. */
export function formatBackendReport(report: BackendReport): string[] {
  return [
    `[medgpt] backend: ${report.backend} (${report.why})${report.detail ? `: ${report.detail}` : ''}`,
    ...report.skipped.map((s) => `[medgpt]   skipped ${s.name}: ${s.reason}`),
  ];
}
