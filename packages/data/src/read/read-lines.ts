import { createReadStream } from 'node:fs';

/** Default cap on one line (or one JSON array element): larger ones are reported, never buffered. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

/** What reading a file line by line yields. `line` numbers start at 1. */
export type LineEvent =
  /** A line without its terminator (`\n` or `\r\n`); `terminated` is false for a last line with no newline. */
  | { readonly kind: 'line'; readonly line: number; readonly text: string; readonly terminated: boolean }
  /** A line over the cap: its bytes were counted and skipped. */
  | { readonly kind: 'too-long'; readonly line: number; readonly bytes: number }
  /** A line that is not valid UTF-8. */
  | { readonly kind: 'invalid-utf8'; readonly line: number }
  /** The file starts with a UTF-8 byte order mark (removed). */
  | { readonly kind: 'bom' };

export interface ReadLinesOptions {
  /** Longest line kept, in bytes (default 64 MiB). */
  readonly maxLineBytes?: number;
}

const BOM = [0xef, 0xbb, 0xbf] as const;
// ignoreBOM: a U+FEFF inside the file is text (only the file's leading BOM is removed, and reported).
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Streams a file's lines in 1 MiB chunks: memory stays bounded by `maxLineBytes` whatever the file or
 * line size (a 2 GB line costs one chunk, not 2 GB). CRLF and LF both end a line; a leading BOM is
 * removed and reported.
 */
export async function* readLines(file: string, options: ReadLinesOptions = {}): AsyncGenerator<LineEvent> {
  const maxBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  let parts: Buffer[] = [];
  let keptBytes = 0;
  let lineBytes = 0;
  let overflow = false;
  let line = 1;
  let first = true;

  const finish = (terminated: boolean): LineEvent => {
    const event = lineEvent(line, parts, overflow, lineBytes, terminated, maxBytes);
    parts = [];
    keptBytes = 0;
    lineBytes = 0;
    overflow = false;
    line += 1;
    return event;
  };

  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    let start = 0;
    if (first) {
      first = false;
      if (BOM.every((byte, i) => chunk[i] === byte)) {
        start = BOM.length;
        yield { kind: 'bom' };
      }
    }
    for (;;) {
      const newline = chunk.indexOf(0x0a, start);
      const end = newline === -1 ? chunk.length : newline;
      const size = end - start;
      lineBytes += size;
      if (!overflow && keptBytes + size > maxBytes + 1) {
        // +1 leaves room for the '\r' of a CRLF line that is exactly at the cap.
        overflow = true;
        parts = [];
        keptBytes = 0;
      }
      if (!overflow && size > 0) {
        parts.push(chunk.subarray(start, end));
        keptBytes += size;
      }
      if (newline === -1) break;
      yield finish(true);
      start = newline + 1;
    }
  }
  if (lineBytes > 0) yield finish(false);
}

function lineEvent(
  line: number,
  parts: readonly Buffer[],
  overflow: boolean,
  lineBytes: number,
  terminated: boolean,
  maxBytes: number,
): LineEvent {
  if (overflow) return { kind: 'too-long', line, bytes: lineBytes };
  let bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
  if (bytes.length > maxBytes) return { kind: 'too-long', line, bytes: lineBytes };
  try {
    return { kind: 'line', line, text: decoder.decode(bytes), terminated };
  } catch {
    return { kind: 'invalid-utf8', line };
  }
}
