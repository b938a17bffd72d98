import { jsonPreview } from '@medgpt/json-preview';
import type { LocatedText } from './passage.js';

/**
 * JSON lines as passages: each record's string fields become `key: value` lines (e.g. `问: ...\n答: ...`),
 * so the field names stay searchable context. Non-string fields are skipped; a line that is not a JSON
 * object with at least one string field is an error naming `source:line`.
 */
export function jsonlRecords(text: string, source: string): LocatedText[] {
  const out: LocatedText[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (!raw.trim()) return;
    const where = `${source}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      throw new Error(
        `${where}: not valid JSON (${(err as Error).message}); expected one JSON object per line`,
        { cause: err },
      );
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new Error(
        `${where}: expected a JSON object like {"问": "...", "答": "..."}, got ${jsonPreview(value)}`,
      );
    }
    const lines = Object.entries(value)
      .filter((e): e is [string, string] => typeof e[1] === 'string')
      .map(([k, v]) => `${k}: ${v}`);
    if (lines.length === 0) {
      throw new Error(`${where}: expected at least one string field, got ${jsonPreview(value)}`);
    }
    out.push({ line: i + 1, text: lines.join('\n') });
  });
  return out;
}
