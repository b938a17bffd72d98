import type { LogEntry } from '../trainer-state.js';

// Known metrics first, in this order, with their display precision; others follow as they come.
const ORDER: [key: string, format: (v: number) => string][] = [
  ['loss', (v) => v.toFixed(4)],
  ['grad_norm', (v) => v.toPrecision(4)],
  ['learning_rate', (v) => v.toExponential(3)],
  ['tokens_per_second', (v) => Math.round(v).toLocaleString('en-US')],
  ['eval_loss', (v) => v.toFixed(4)],
  ['eval_perplexity', (v) => v.toPrecision(5)],
  ['tensor_mb', (v) => v.toFixed(1)],
  ['rss_mb', (v) => v.toFixed(0)],
];
const SKIP = new Set(['step', 'epoch']);

/** One log entry as a plain text line: `step 10/100 | epoch 0.50 | loss 2.3456 | ...`. */
export function formatLogLine(entry: LogEntry, maxSteps: number): string {
  const parts = [`step ${entry.step}/${maxSteps}`, `epoch ${entry.epoch.toFixed(2)}`];
  const seen = new Set<string>();
  for (const [key, format] of ORDER) {
    const value = entry[key];
    if (value === undefined) continue;
    seen.add(key);
    parts.push(`${key} ${Number.isFinite(value) ? format(value) : String(value)}`);
  }
  for (const [key, value] of Object.entries(entry)) {
    if (seen.has(key) || SKIP.has(key)) continue;
    parts.push(`${key} ${Number.isInteger(value) ? value : Number(value).toPrecision(5)}`);
  }
  return parts.join(' | ');
}
