import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeTextAtomic } from '@medgpt/core-tensor';
import type { LogEntry } from '../trainer-state.js';

/** output_dir/metrics.jsonl: one JSON object per log entry (training logs, evaluations, the summary). */
export const METRICS_FILE = 'metrics.jsonl';

/**
 * The metrics.jsonl of a run. Lines are appended as they come (a crash loses at most the line being
 * written). On resume, entries past the checkpoint's step are dropped first, so the file tells one
 * consistent history, as trainer_state.json's log_history does.
 */
export class MetricsFile {
  constructor(readonly path: string) {}

  /** The metrics.jsonl of the run whose output_dir is `outputDir`. */
  static inDir(outputDir: string): MetricsFile {
    return new MetricsFile(join(outputDir, METRICS_FILE));
  }

  /** Starts a fresh file (a run from step 0). */
  async reset(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    await writeTextAtomic(this.path, '');
  }

  /** Keeps the entries with step <= `step` (resuming from checkpoint `step`). */
  async truncateAfter(step: number): Promise<void> {
    const entries = await this.read().catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [] as LogEntry[];
      throw err;
    });
    await mkdir(dirname(this.path), { recursive: true });
    const kept = entries.filter((e) => e.step <= step);
    await writeTextAtomic(this.path, kept.map((e) => `${JSON.stringify(e)}\n`).join(''));
  }

  async append(entry: LogEntry): Promise<void> {
    await appendFile(this.path, `${JSON.stringify(entry)}\n`);
  }

  /** Every complete entry (a torn last line, from a crash, is skipped). */
  async read(): Promise<LogEntry[]> {
    const text = await readFile(this.path, 'utf8');
    const entries: LogEntry[] = [];
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        entries.push(JSON.parse(line) as LogEntry);
      } catch {
        // only the last line can be torn; anything after it is unreadable anyway
      }
    }
    return entries;
  }
}
