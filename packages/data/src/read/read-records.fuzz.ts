// Fuzz targets for the file readers (readRecords on .jsonl, .json arrays and .txt): generated files with
// BOMs, CRLF, blank lines and small line caps, and byte mutations of them. A reference reader written
// here from the rules (split on LF, drop one CR, UTF-8 or an issue, JSON.parse or an issue) gives the
// expected events; for arrays, JSON.parse of the whole file is the oracle. Run by
// read-records.fuzz.test.ts and bench/cpu/fuzz.ts.
import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  applyByteOps,
  attemptAsync,
  byteOps,
  expectResult,
  jsonEqual,
  scratchPath,
  type ByteOp,
  type FuzzTarget,
} from '../../../../tools/fuzz/fuzz-kit.js';
import { readRecords, type ReadEvent } from '../index.js';

/** A file's content before mutation: lines with their terminators, a BOM, a line cap. */
interface FileSpec {
  readonly lines: readonly { readonly text: string; readonly eol: string }[];
  readonly bom: boolean;
  readonly cap: number | undefined;
}

interface FileInput {
  readonly spec: FileSpec;
  readonly ops: ByteOp[] | null;
}

const eol = fc.constantFrom('\n', '\r\n', '\n', '');
const cap = fc.option(fc.integer({ min: 1, max: 200 }), { nil: undefined, freq: 3 });

function fileInput(line: fc.Arbitrary<string>): fc.Arbitrary<FileInput> {
  const spec = fc.record({
    lines: fc.array(fc.record({ text: line, eol }), { maxLength: 6 }),
    bom: fc.boolean(),
    cap,
  });
  return fc.record({ spec, ops: fc.option(byteOps, { nil: null }) });
}

function fileBytes(input: FileInput): Uint8Array {
  const { lines, bom } = input.spec;
  // A line without a terminator runs into the next one, so only the last may lack one.
  const text = lines.map((l, i) => l.text + (l.eol === '' && i < lines.length - 1 ? '\n' : l.eol)).join('');
  const bytes = Buffer.concat([Buffer.from(bom ? [0xef, 0xbb, 0xbf] : []), Buffer.from(text, 'utf8')]);
  return input.ops ? applyByteOps(bytes, input.ops) : bytes;
}

const jsonRecord = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  // Around the nesting limit, with brackets inside strings that must not count.
  fc
    .tuple(fc.constantFrom(999, 1000, 1001, 3000), fc.constantFrom('', '"[[{"'))
    .map(([d, leaf]) => `${'[{"a":'.repeat(d >> 1)}${'['.repeat(d & 1)}${leaf || 0}${']'.repeat(d & 1)}${'}]'.repeat(d >> 1)}`),
  fc.constantFrom('{"text": "a\\nb"}', '{"a": "]"}', '{"a": "\\"["}', '[1, {"b": []}]', ' {"x": 1} ', ''),
);

/** What the readers report, reduced to comparable lines: `record <line> <json>` / `<code> <line>`. */
async function events(file: string, cap: number | undefined): Promise<string[]> {
  const out: string[] = [];
  const run = await attemptAsync(async () => {
    for await (const e of readRecords(file, { maxLineBytes: cap })) out.push(...describeEvent(e));
  }, () => false);
  if (!run.ok) throw run.error;
  return out;
}

function describeEvent(e: ReadEvent): string[] {
  if (e.kind === 'record') return [`record ${e.record.source.line} ${JSON.stringify(e.record.value)}`];
  if (e.kind === 'issue') return [`${e.issue.code} ${e.issue.line}`];
  return [];
}

// ---------------------------------------------------------------------------------------------
// The reference: the rules of readLines / readRecords, written plainly.

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Splits like readLines: LF ends a line, one CR before it is dropped, an empty last piece is no line. */
function referenceLines(bytes: Uint8Array, cap = 64 * 1024 * 1024) {
  const out: ({ line: number; text: string } | { line: number; problem: string })[] = [];
  let start = 0;
  let line = 1;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    out.push({ line: 1, problem: 'byte-order-mark' });
    start = 3;
  }
  while (start < bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end === -1) end = bytes.length;
    let piece = bytes.subarray(start, end);
    if (piece[piece.length - 1] === 0x0d) piece = piece.subarray(0, piece.length - 1);
    if (piece.length > cap) out.push({ line, problem: 'line-too-long' });
    else {
      try {
        out.push({ line, text: utf8.decode(piece) });
      } catch {
        out.push({ line, problem: 'invalid-utf8' });
      }
    }
    start = end + 1;
    line += 1;
  }
  return out;
}

function referenceJsonl(bytes: Uint8Array, cap?: number): string[] {
  return referenceLines(bytes, cap).flatMap((l) => {
    if ('problem' in l) return [`${l.problem} ${l.line}`];
    if (l.text.trim() === '') return [];
    let value: unknown;
    try {
      value = JSON.parse(l.text);
    } catch {
      return [`invalid-json ${l.line}`];
    }
    return depthOf(value) > 1000 ? [`invalid-json ${l.line}`] : [`record ${l.line} ${JSON.stringify(value)}`];
  });
}

/** Levels of arrays and objects (a scalar is 0), walked without recursion. */
function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    deepest = Math.max(deepest, d + 1);
    for (const c of Object.values(v)) stack.push([c, d + 1]);
  }
  return deepest;
}

function referenceText(bytes: Uint8Array, cap?: number): string[] {
  const lines = referenceLines(bytes, cap);
  // Every line but a last one without LF was terminated.
  const endsWithLf = bytes.length > 0 && bytes[bytes.length - 1] === 0x0a;
  const lastLine = lines.filter((l) => !('problem' in l && l.problem === 'byte-order-mark')).at(-1)?.line;
  return lines.flatMap((l) => {
    if ('problem' in l) return [`${l.problem} ${l.line}`];
    const terminated = l.line !== lastLine || endsWithLf;
    const pieces = l.text.split('\r');
    return pieces.map((p, i) => {
      const ended = i < pieces.length - 1 || terminated;
      return `record ${l.line} ${JSON.stringify({ text: ended ? `${p}\n` : p })}`;
    });
  });
}

function compare(kind: string, got: string[], expected: string[], bytes: Uint8Array): void {
  expectResult(
    got.length === expected.length && got.every((g, i) => g === expected[i]),
    () =>
      `${kind} of ${JSON.stringify(Buffer.from(bytes).toString('latin1').slice(0, 300))}: got ${JSON.stringify(got).slice(0, 600)}, expected ${JSON.stringify(expected).slice(0, 600)}`,
  );
}

/** JSON lines: every line is a record, an issue, or blank, exactly as the reference says. */
export const jsonlTarget: FuzzTarget<FileInput> = {
  name: 'data/jsonl',
  arbitrary: fileInput(jsonRecord),
  check: async (input) => {
    const file = scratchPath('fuzz.jsonl');
    const bytes = fileBytes(input);
    writeFileSync(file, bytes);
    compare('jsonl', await events(file, input.spec.cap), referenceJsonl(bytes, input.spec.cap), bytes);
  },
};

/** Plain text (PT `.txt`): one `{text}` record per line, `\n` kept, a lone CR also ends a row. */
export const textTarget: FuzzTarget<FileInput> = {
  name: 'data/text',
  arbitrary: fileInput(fc.string({ maxLength: 20, unit: 'binary' })),
  check: async (input) => {
    const file = scratchPath('fuzz.txt');
    const bytes = fileBytes(input);
    writeFileSync(file, bytes);
    compare('text', await events(file, input.spec.cap), referenceText(bytes, input.spec.cap), bytes);
  },
};

interface ArrayInput {
  readonly elements: readonly unknown[];
  readonly indent: number;
  readonly bom: boolean;
  readonly cap: number | undefined;
  readonly ops: FileInput['ops'];
}

/**
 * A `.json` array: when the whole file is a JSON array, its elements are the records (with no
 * error); when it is not, at least one error says so. Valid files also give each element's line.
 */
export const jsonArrayTarget: FuzzTarget<ArrayInput> = {
  name: 'data/json-array',
  arbitrary: fc.record({
    elements: fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 5 }),
    indent: fc.constantFrom(0, 2),
    bom: fc.boolean(),
    cap,
    ops: fc.option(byteOps, { nil: null }),
  }),
  check: async (input) => {
    const file = scratchPath('fuzz.json');
    // One element per line (pretty-printed ones over several), so the start line of each is known.
    const texts = input.elements.map((e) => JSON.stringify(e, null, input.indent));
    const body = `[\n${texts.join(',\n')}\n]\n`;
    const clean = Buffer.concat([Buffer.from(input.bom ? [0xef, 0xbb, 0xbf] : []), Buffer.from(body)]);
    const bytes = input.ops ? applyByteOps(clean, input.ops) : clean;
    writeFileSync(file, bytes);
    const got = await events(file, input.cap);
    const records = got.filter((e) => e.startsWith('record '));
    const errors = got.filter((e) => !e.startsWith('record ') && !e.startsWith('byte-order-mark '));
    if (!input.ops && input.cap === undefined) {
      let line = 2;
      const expected = input.elements.map((e, i) => {
        const at = line;
        line += texts[i]!.split('\n').length;
        return `record ${at} ${JSON.stringify(e)}`;
      });
      compare('json array', got.filter((e) => !e.startsWith('byte-order-mark ')), expected, bytes);
      return;
    }
    // A .json file whose first byte after a BOM and blanks is not '[' is read as JSON lines.
    const body0 = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    const first = bytes.subarray(body0).find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09);
    if (first !== 0x5b) return compare('json as lines', got, referenceJsonl(bytes, input.cap), bytes);
    let whole: unknown;
    try {
      const text = utf8.decode(bytes.subarray(body0));
      whole = JSON.parse(text);
    } catch {
      whole = undefined;
    }
    if (Array.isArray(whole) && input.cap === undefined) {
      const values = records.map((r) => JSON.parse(r.slice(r.indexOf(' ', 7) + 1)) as unknown);
      expectResult(
        // Through JSON text as the records were (1e999 reads as Infinity, written as null).
        errors.length === 0 && jsonEqual(values, JSON.parse(JSON.stringify(whole))),
        () => `a valid JSON array read as ${JSON.stringify(got).slice(0, 600)}`,
      );
    } else if (!Array.isArray(whole)) {
      expectResult(
        errors.length > 0,
        () =>
          `${JSON.stringify(Buffer.from(bytes).toString('latin1').slice(0, 300))} is not a JSON array, yet read without an error as ${JSON.stringify(got).slice(0, 600)}`,
      );
    }
  },
};

export const READ_TARGETS: readonly FuzzTarget[] = [jsonlTarget, jsonArrayTarget, textTarget];
