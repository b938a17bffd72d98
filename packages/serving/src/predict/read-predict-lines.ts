import { extname } from 'node:path';
import { readLines } from '@medgpt/data';
import { parsePredictRecord } from './parse-predict-record.js';
import type { PredictExample, PredictLineError } from './predict-example.js';

/** One line of the input: its number, its text, and the question on it or what is wrong with it. */
export type PredictLine =
  | { readonly line: number; readonly raw: string; readonly example: PredictExample }
  | { readonly line: number; readonly raw: string; readonly error: PredictLineError };

/** inference.py's questions when no --data_file is given. */
export const BUILT_IN_EXAMPLES = ['介绍下北京', '乙肝和丙肝的区别？'] as const;

/** Whether a file is read as JSON lines (`.jsonl`, `.json`) or as text, one question per line. */
export function isJsonLinesFile(file: string): boolean {
  return ['.jsonl', '.json'].includes(extname(file).toLowerCase());
}

/**
 * Streams the lines of `file`, every line accounted for: a text file holds one question per line
 * (stripped, as inference.py reads it); a `.jsonl`/`.json` file one record per line
 * (parsePredictRecord). A blank, unparsable, too long or non-UTF-8 line comes out as an error with
 * its line number, and the lines after it are read as usual.
 */
export async function* readPredictLines(
  file: string,
  options: { maxLineBytes?: number } = {},
): AsyncGenerator<PredictLine> {
  const json = isJsonLinesFile(file);
  for await (const event of readLines(file, options)) {
    if (event.kind === 'bom') continue;
    if (event.kind === 'too-long')
      yield { line: event.line, raw: '', error: { message: `line of ${event.bytes} bytes is too long` } };
    else if (event.kind === 'invalid-utf8')
      yield { line: event.line, raw: '', error: { message: 'not valid UTF-8' } };
    else yield { line: event.line, raw: event.text, ...parseLine(event.text, json) };
  }
}

/** The built-in examples as input lines. */
export function builtInLines(): PredictLine[] {
  return BUILT_IN_EXAMPLES.map((text, i) => ({
    line: i + 1,
    raw: text,
    example: { input: text, history: [] },
  }));
}

function parseLine(text: string, json: boolean): { example: PredictExample } | { error: PredictLineError } {
  if (text.trim() === '') return { error: { message: 'blank line', expected: 'a question' } };
  if (!json) return { example: { input: text.trim(), history: [] } };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    // A pretty-printed JSON array (alpaca_data.json) fails on its first line.
    const expected = text.trimStart().startsWith('[')
      ? 'one JSON value per line; turn a JSON array file into lines with `medgpt convert --data_type json2jsonl`'
      : 'one JSON value per line';
    return { error: { message: `invalid JSON: ${(err as Error).message}`, expected } };
  }
  const parsed = parsePredictRecord(value);
  return 'error' in parsed ? parsed : { example: parsed };
}
