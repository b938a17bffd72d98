import type { SourcedRecord } from '../record-issue.js';
import { readLines } from '../read/read-lines.js';

/**
 * convert_dataset.py's `--file_type csv`: tab-separated, no header, columns named by the data type
 * (`qa`: input, output; otherwise instruction, input, output). A field wrapped in double quotes is
 * unquoted (`""` -> `"`), as pandas reads it.
 */
export async function* readTsvRecords(
  file: string,
  columns: readonly string[],
  maxLineBytes?: number,
): AsyncGenerator<SourcedRecord | { readonly problem: string; readonly line: number }> {
  for await (const event of readLines(file, { maxLineBytes })) {
    if (event.kind === 'bom') continue;
    if (event.kind !== 'line') {
      yield {
        line: event.line,
        problem: event.kind === 'too-long' ? `${event.bytes} bytes, over the cap` : 'not valid UTF-8',
      };
      continue;
    }
    if (event.text.trim() === '') continue;
    const fields = event.text.split('\t').map(unquote);
    if (fields.length !== columns.length) {
      yield {
        line: event.line,
        problem: `${fields.length} tab-separated fields, expected ${columns.length} (${columns.join(', ')})`,
      };
      continue;
    }
    const value = Object.fromEntries(columns.map((name, i) => [name, fields[i]!]));
    yield { value, source: { file, line: event.line } };
  }
}

function unquote(field: string): string {
  return field.length >= 2 && field.startsWith('"') && field.endsWith('"')
    ? field.slice(1, -1).replaceAll('""', '"')
    : field;
}
