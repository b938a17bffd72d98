import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import type { RecordIssue, SourcedRecord } from '../record-issue.js';
import { listDataFiles, DATA_FILE_EXTENSIONS } from './list-data-files.js';
import { readJsonArray } from './read-json-array.js';
import { DEFAULT_MAX_LINE_BYTES, readLines, type LineEvent } from './read-lines.js';

/** What reading a dataset yields, in file order. */
export type ReadEvent =
  | { readonly kind: 'file'; readonly file: string; readonly layout: FileLayout }
  | { readonly kind: 'record'; readonly record: SourcedRecord }
  | { readonly kind: 'issue'; readonly issue: RecordIssue }
  /** A file under a directory that was not read because of its extension. */
  | { readonly kind: 'ignored-file'; readonly file: string };

/** How a file is read: JSON lines, one JSON array, or plain text (one record `{text}` per line). */
export type FileLayout = 'jsonl' | 'json-array' | 'text';

export interface ReadRecordsOptions {
  /** Extensions searched for in directories (default `.jsonl`, `.json`, `.txt`). */
  readonly extensions?: readonly string[];
  /** Longest line or array element kept, in bytes (default 64 MiB); longer ones are reported. */
  readonly maxLineBytes?: number;
  /** Plain text: keep each line's `\n` (MedicalGPT's `--keep_linebreaks`, default true). */
  readonly keepLinebreaks?: boolean;
}

/**
 * Streams every record of a file or directory (recursive, sorted) with its file and line. JSONL is
 * read line by line; a `.json` file holding an array is split element by element; `.txt` lines become
 * `{ text }` records the way `datasets`' text loader makes them. Unreadable records become issues;
 * nothing is dropped without one.
 */
export async function* readRecords(
  paths: string | readonly string[],
  options: ReadRecordsOptions = {},
): AsyncGenerator<ReadEvent> {
  const { files, ignored } = await listDataFiles(paths, options.extensions ?? DATA_FILE_EXTENSIONS);
  for (const file of ignored) yield { kind: 'ignored-file', file };
  for (const file of files) {
    const layout = await fileLayout(file);
    yield { kind: 'file', file, layout };
    if (layout === 'text') yield* readTextFile(file, options);
    else if (layout === 'json-array') yield* readJsonArrayFile(file, options);
    else yield* readJsonlFile(file, options);
  }
}

/** `.txt` is text; a `.json` file is an array if its first non-blank byte is `[`, else JSON lines. */
async function fileLayout(file: string): Promise<FileLayout> {
  const ext = extname(file).toLowerCase();
  if (ext === '.txt') return 'text';
  if (ext !== '.json') return 'jsonl';
  // Byte by byte from the start, so a minified array on one huge line is still recognised.
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    for (let position = 0; ; position += buffer.length) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) return 'jsonl';
      const bom = position === 0 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf;
      for (let i = bom ? 3 : 0; i < bytesRead; i++) {
        const b = buffer[i]!;
        if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return b === 0x5b ? 'json-array' : 'jsonl';
      }
    }
  } finally {
    await handle.close();
  }
}

async function* readJsonlFile(file: string, options: ReadRecordsOptions): AsyncGenerator<ReadEvent> {
  for await (const event of readLines(file, { maxLineBytes: options.maxLineBytes })) {
    if (event.kind !== 'line') {
      yield { kind: 'issue', issue: lineIssue(file, event, options.maxLineBytes) };
      continue;
    }
    // Blank lines are not records (pyarrow's JSON reader skips them too).
    if (event.text.trim() === '') continue;
    yield parseJson(file, event.line, event.text);
  }
}

async function* readJsonArrayFile(file: string, options: ReadRecordsOptions): AsyncGenerator<ReadEvent> {
  for await (const event of readJsonArray(file, { maxElementBytes: options.maxLineBytes })) {
    if (event.kind === 'element') yield parseJson(file, event.line, event.text);
    else if (event.kind === 'not-an-array') {
      yield {
        kind: 'issue',
        issue: {
          file,
          line: event.line,
          severity: 'error',
          code: 'not-an-array',
          message: `${event.message}; reading of this file stopped`,
          expected: 'a JSON array of objects, or one JSON object per line (.jsonl)',
        },
      };
    } else {
      yield { kind: 'issue', issue: lineIssue(file, event, options.maxLineBytes) };
    }
  }
}

/**
 * `datasets`' text loader: one row per line, `\n` kept (keep_linebreaks); Python's universal newlines
 * turn `\r\n` and a lone `\r` into `\n`, so a lone `\r` also ends a row.
 */
async function* readTextFile(file: string, options: ReadRecordsOptions): AsyncGenerator<ReadEvent> {
  const keep = options.keepLinebreaks ?? true;
  for await (const event of readLines(file, { maxLineBytes: options.maxLineBytes })) {
    if (event.kind !== 'line') {
      yield { kind: 'issue', issue: lineIssue(file, event, options.maxLineBytes) };
      continue;
    }
    const pieces = event.text.split('\r');
    for (const [i, piece] of pieces.entries()) {
      const ended = i < pieces.length - 1 || event.terminated;
      const text = keep && ended ? `${piece}\n` : piece;
      yield { kind: 'record', record: { value: { text }, source: { file, line: event.line } } };
    }
  }
}

/**
 * Python's json module (what MedicalGPT reads with) gives up past 1000 nested levels; JSON.parse does
 * not, but JSON.stringify and every recursive walk over the record overflow the stack a few thousand
 * levels down, so deeper records are refused here like invalid JSON.
 */
export const MAX_JSON_DEPTH = 1000;

function parseJson(file: string, line: number, text: string): ReadEvent {
  try {
    const value = JSON.parse(text) as unknown;
    const depth = nestingDepth(text);
    if (depth > MAX_JSON_DEPTH) {
      return {
        kind: 'issue',
        issue: {
          file,
          line,
          severity: 'error',
          code: 'invalid-json',
          message: `JSON nested ${depth} levels deep, over the ${MAX_JSON_DEPTH} levels Python's json reads`,
          expected: `records nested at most ${MAX_JSON_DEPTH} levels`,
        },
      };
    }
    return { kind: 'record', record: { value, source: { file, line } } };
  } catch (err) {
    return {
      kind: 'issue',
      issue: {
        file,
        line,
        severity: 'error',
        code: 'invalid-json',
        message: `invalid JSON: ${(err as Error).message} in ${JSON.stringify(preview(text))}`,
        expected: 'one JSON object per line',
      },
    };
  }
}

/**
 * The deepest nesting of arrays and objects in valid JSON text. Texts with fewer brackets than the limit
 * cannot be deeper and are passed over by a native search, so ordinary records cost almost nothing.
 */
function nestingDepth(text: string): number {
  let brackets = 0;
  for (const open of ['[', '{']) {
    for (let i = text.indexOf(open); i !== -1 && brackets <= MAX_JSON_DEPTH; i = text.indexOf(open, i + 1)) {
      brackets += 1;
    }
  }
  if (brackets <= MAX_JSON_DEPTH) return brackets;
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x5d || c === 0x7d) depth -= 1;
  }
  return deepest;
}

/** The problems a line or array reader reports besides data. */
type ReadProblem = Exclude<LineEvent, { kind: 'line' }>;

function lineIssue(file: string, event: ReadProblem, maxLineBytes = DEFAULT_MAX_LINE_BYTES): RecordIssue {
  if (event.kind === 'bom') {
    return {
      file,
      line: 1,
      severity: 'warning',
      code: 'byte-order-mark',
      message: 'the file starts with a UTF-8 byte order mark; it was removed',
      expected: 'UTF-8 without BOM',
    };
  }
  if (event.kind === 'invalid-utf8') {
    return {
      file,
      line: event.line,
      severity: 'error',
      code: 'invalid-utf8',
      message: 'not valid UTF-8',
      expected: 'UTF-8 text',
    };
  }
  const cap = maxLineBytes;
  return {
    file,
    line: event.line,
    severity: 'error',
    code: 'line-too-long',
    message: `${event.bytes} bytes, over the ${cap}-byte cap; skipped without reading it into memory`,
    expected: `records under ${cap} bytes (raise the cap with --max_line_bytes)`,
  };
}

function preview(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}...` : text;
}
