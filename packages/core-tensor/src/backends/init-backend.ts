import { formatBackendReport } from './format-backend-report.js';
import { selectBackend, type BackendReport, type SelectBackendOptions } from './select-backend.js';

export interface InitBackendOptions extends SelectBackendOptions {
  /** Where the report goes, one call per line; stderr by default, so stdout stays clean. `false`: silent. */
  log?: ((line: string) => void) | false;
}

/** `selectBackend`, then logs which backend was chosen, why, and why the ones before it were skipped. */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendReport> {
  const report = await selectBackend(options);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (log !== false) for (const line of formatBackendReport(report)) log(line);
  return report;
}
