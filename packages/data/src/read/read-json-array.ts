import { createReadStream } from 'node:fs';
import { DEFAULT_MAX_LINE_BYTES } from './read-lines.js';

/** What streaming a JSON array file yields: each top-level element's text and the line it starts on. */
export type JsonArrayEvent =
  | { readonly kind: 'element'; readonly line: number; readonly text: string }
  | { readonly kind: 'too-long'; readonly line: number; readonly bytes: number }
  | { readonly kind: 'invalid-utf8'; readonly line: number }
  | { readonly kind: 'bom' }
  /** The file is not one JSON array (`line` is where it went wrong); reading stops. */
  | { readonly kind: 'not-an-array'; readonly line: number; readonly message: string };

export interface ReadJsonArrayOptions {
  /** Largest element kept, in bytes (default 64 MiB). */
  readonly maxElementBytes?: number;
}

type State = 'start' | 'between' | 'element' | 'end';

// ignoreBOM: a U+FEFF inside the file is text (only the file's leading BOM is removed, and reported).
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

/**
 * Splits a `[ {...}, {...} ]` file into its elements without reading it whole: a byte scanner that
 * tracks strings and nesting, so memory stays bounded by the largest element. Each element is
 * returned as text for JSON.parse, with the line where it starts.
 */
export async function* readJsonArray(
  file: string,
  options: ReadJsonArrayOptions = {},
): AsyncGenerator<JsonArrayEvent> {
  const maxBytes = options.maxElementBytes ?? DEFAULT_MAX_LINE_BYTES;
  const scan = new ArrayScanner(maxBytes);
  let first = true;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let start = 0;
    if (first) {
      first = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
        start = 3;
        yield { kind: 'bom' };
      }
    }
    for (const event of scan.push(chunk, start)) {
      yield event;
      if (event.kind === 'not-an-array') return;
    }
  }
  yield* scan.finish();
}

class ArrayScanner {
  private state: State = 'start';
  private line = 1;
  private elementLine = 0;
  private depth = 0;
  private inString = false;
  private escape = false;
  private parts: Buffer[] = [];
  private kept = 0;
  private elementBytes = 0;
  private overflow = false;
  private expectComma = false;
  private afterComma = false;

  constructor(private readonly maxBytes: number) {}

  *push(chunk: Buffer, from: number): Generator<JsonArrayEvent> {
    let elementStart = this.state === 'element' ? from : -1;
    for (let i = from; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (this.state === 'element') {
        const done = this.step(b);
        if (done !== 'no') {
          // A scalar ends on the ',' or ']' after it, which is not part of it.
          const end = done === 'after' ? i + 1 : i;
          this.keep(chunk, elementStart, end);
          yield this.emit();
          elementStart = -1;
          if (done === 'array-end') this.state = 'end';
          else if (done === 'comma') {
            this.expectComma = false;
            this.afterComma = true;
          }
        }
      } else if (!isSpace(b)) {
        const problem = this.outside(b);
        if (problem) {
          yield { kind: 'not-an-array', line: this.line, message: problem };
          return;
        }
        // outside() may have opened an element at this byte.
        if ((this.state as State) === 'element') {
          elementStart = i;
          this.step(b);
        }
      }
      if (b === 0x0a) this.line += 1;
    }
    if (this.state === 'element' && elementStart >= 0) this.keep(chunk, elementStart, chunk.length);
  }

  *finish(): Generator<JsonArrayEvent> {
    if (this.state === 'start') yield { kind: 'not-an-array', line: this.line, message: 'the file is empty' };
    else if (this.state !== 'end') {
      yield { kind: 'not-an-array', line: this.line, message: 'the file ends before the closing "]"' };
    }
  }

  /** A byte outside any element: '[', ',', ']' or the first byte of an element. */
  private outside(b: number): string | undefined {
    if (this.state === 'start') {
      if (b !== 0x5b)
        return `the file must hold one JSON array, it starts with ${JSON.stringify(String.fromCharCode(b))}`;
      this.state = 'between';
      return undefined;
    }
    if (this.state === 'end') return 'content after the closing "]" of the array';
    if (b === 0x5d) {
      // json.load (what MedicalGPT reads .json files with) refuses `[{...},]`.
      if (this.afterComma) return 'a "," right before the closing "]"';
      this.state = 'end';
      return undefined;
    }
    if (b === 0x2c) {
      if (!this.expectComma) return 'a "," with no element before it';
      this.expectComma = false;
      this.afterComma = true;
      return undefined;
    }
    if (this.expectComma) return 'two elements without a "," between them';
    this.afterComma = false;
    this.state = 'element';
    this.elementLine = this.line;
    this.depth = 0;
    this.inString = false;
    this.escape = false;
    return undefined;
  }

  /** Advances the element scanner; says whether (and how) the element just ended. */
  private step(b: number): 'no' | 'after' | 'comma' | 'array-end' {
    if (this.inString) {
      if (this.escape) this.escape = false;
      else if (b === 0x5c) this.escape = true;
      else if (b === 0x22) {
        this.inString = false;
        if (this.depth === 0) return 'after';
      }
      return 'no';
    }
    if (b === 0x22) this.inString = true;
    else if (b === 0x7b || b === 0x5b) this.depth += 1;
    else if (b === 0x7d || b === 0x5d) {
      // Only "]" closes the array; a stray "}" stays in the element, whose JSON.parse then fails.
      if (this.depth === 0) return b === 0x5d ? 'array-end' : 'no';
      this.depth -= 1;
      if (this.depth === 0) return 'after';
    } else if (b === 0x2c && this.depth === 0) return 'comma';
    return 'no';
  }

  private keep(chunk: Buffer, start: number, end: number): void {
    const size = end - start;
    this.elementBytes += size;
    if (this.overflow) return;
    if (this.kept + size > this.maxBytes) {
      this.overflow = true;
      this.parts = [];
      return;
    }
    this.parts.push(chunk.subarray(start, end));
    this.kept += size;
  }

  private emit(): JsonArrayEvent {
    const line = this.elementLine;
    const overflow = this.overflow;
    const bytes = this.elementBytes;
    const parts = this.parts;
    this.parts = [];
    this.kept = 0;
    this.elementBytes = 0;
    this.overflow = false;
    this.state = 'between';
    this.expectComma = true;
    if (overflow) return { kind: 'too-long', line, bytes };
    try {
      return { kind: 'element', line, text: decoder.decode(Buffer.concat(parts)) };
    } catch {
      return { kind: 'invalid-utf8', line };
    }
  }
}
