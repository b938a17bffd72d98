/** Chunk size and overlap, both in Unicode code points. */
export interface ChunkOptions {
  size: number;
  overlap: number;
}

const SENTENCE_END = new Set(['。', '！', '？', '.', '!', '?', '\n']);

/**
 * Splits text into chunks of at most `size` code points, each starting `overlap` code points before the
 * previous one ended. A chunk ends after the last sentence end (。！？.!? or newline) in its final quarter
 * when there is one, so chunks rarely cut a sentence; otherwise it ends at `size`.
 */
export function chunkText(text: string, { size, overlap }: ChunkOptions): string[] {
  checkChunkOptions({ size, overlap });
  // Code points, not UTF-16 units, so a character outside the BMP is never split in half.
  const chars = [...text];
  const chunks: string[] = [];
  let start = 0;
  while (start < chars.length) {
    const end = chunkEnd(chars, start, size, overlap);
    chunks.push(chars.slice(start, end).join(''));
    if (end === chars.length) break;
    start = end - overlap;
  }
  return chunks;
}

/** Where the chunk starting at `start` ends (exclusive); always past `start + overlap` so chunking advances. */
function chunkEnd(chars: readonly string[], start: number, size: number, overlap: number): number {
  const end = Math.min(start + size, chars.length);
  if (end === chars.length) return end;
  const earliest = start + Math.max(size - Math.floor(size / 4), overlap + 1);
  for (let e = end; e >= earliest; e--) if (SENTENCE_END.has(chars[e - 1]!)) return e;
  return end;
}

/** Throws unless `size > overlap >= 0`, both integers. */
export function checkChunkOptions({ size, overlap }: ChunkOptions): void {
  if (!Number.isInteger(size) || !Number.isInteger(overlap) || overlap < 0 || size <= overlap) {
    throw new Error(
      `chunk options: expected integers with size > overlap >= 0, got size ${size}, overlap ${overlap}`,
    );
  }
}
