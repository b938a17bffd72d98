import type { tf } from '../tf.js';

/** Shapes of one UnsortedSegmentSum call. */
export interface SegmentSumGeometry {
  /** Number of rows scattered (size of segmentIds). */
  rows: number;
  /** Elements per row (x's size past the segmentIds dims). */
  rowSize: number;
  outShape: number[];
}

/**
 * Validates UnsortedSegmentSum's operands: segmentIds' shape must be a prefix of x's; the output is
 * [numSegments, ...x.shape after that prefix].
 */
export function segmentSumGeometry(
  xShape: number[],
  segmentIdsShape: number[],
  numSegments: number,
): SegmentSumGeometry {
  const prefixOk =
    segmentIdsShape.length <= xShape.length && segmentIdsShape.every((d, i) => d === xShape[i]);
  if (!prefixOk) {
    throw new Error(
      `unsortedSegmentSum: segmentIds shape [${segmentIdsShape}] must be a prefix of x shape [${xShape}].`,
    );
  }
  if (!Number.isInteger(numSegments) || numSegments < 0) {
    throw new Error(`unsortedSegmentSum: numSegments must be a non-negative integer, got ${numSegments}.`);
  }
  const inner = xShape.slice(segmentIdsShape.length);
  return {
    rows: segmentIdsShape.reduce((a, b) => a * b, 1),
    rowSize: inner.reduce((a, b) => a * b, 1),
    outShape: [numSegments, ...inner],
  };
}

/**
 * out[ids[r]] += x[r] row by row: O(rows * rowSize), the embedding gradient's cost. Rows whose id is
 * outside [0, numSegments) are dropped, as TensorFlow does. `out` must start zeroed.
 */
export function scatterAddRows(
  x: tf.TypedArray,
  ids: Int32Array,
  rowSize: number,
  numSegments: number,
  out: tf.TypedArray,
): void {
  for (let r = 0; r < ids.length; r++) {
    const s = ids[r];
    if (s < 0 || s >= numSegments) continue;
    const src = r * rowSize;
    const dst = s * rowSize;
    for (let d = 0; d < rowSize; d++) out[dst + d] += x[src + d];
  }
}
