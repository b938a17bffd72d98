import type { tf } from '../tf.js';
import type { HostTensor } from './js-kernel.js';
import type { AttentionAttrs } from '../kernel-names.js';

// Sizes and key visibility of one Attention call, shared by the JS kernels and the wasm kernels.

/** Sizes of one attention call, read from the input shapes and attrs. */
export interface AttentionDims {
  batch: number;
  tq: number;
  s: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  /** Query heads per kv head. */
  group: number;
  scale: number;
  window: number;
  offset: number;
}

export function attentionDims(
  q: Pick<HostTensor, 'shape'>,
  k: Pick<HostTensor, 'shape'>,
  attrs: tf.NamedAttrMap,
): AttentionDims {
  const a = attrs as AttentionAttrs;
  const headDim = q.shape[1]! / a.numHeads;
  return {
    batch: a.batch,
    tq: q.shape[0]! / a.batch,
    s: k.shape[0]! / a.batch,
    heads: a.numHeads,
    kvHeads: a.numKvHeads,
    headDim,
    group: a.numHeads / a.numKvHeads,
    scale: a.scale,
    window: a.slidingWindow,
    offset: a.queryOffset,
  };
}

/** First key a query at absolute position p may see (the mask still applies inside the range). */
function firstKey(p: number, window: number): number {
  return window > 0 ? Math.max(0, p - window + 1) : 0;
}

/** The per-key inputs that decide visibility besides position, flattened [B*S]. */
export interface KeyFilter {
  mask: Int32Array;
  /** Segment id of each position; null when the batch is not packed. */
  segments: Int32Array | null;
  /**
   * For each position, the first position of its row with the same segment id: no earlier key can be
   * in the query's segment, so the key loops start there and a packed sample costs only its own length.
   */
  segmentStart: Int32Array | null;
}

export function keyFilter(
  inputs: Record<string, HostTensor>,
  attrs: tf.NamedAttrMap,
  dims: AttentionDims,
): KeyFilter {
  const { attentionMask, segmentIds } = inputs;
  const mask = attentionMask!.values as Int32Array;
  if (!(attrs as AttentionAttrs).hasSegmentIds) return { mask, segments: null, segmentStart: null };
  const segments = segmentIds!.values as Int32Array;
  return { mask, segments, segmentStart: segmentStarts(segments, dims.batch, dims.s) };
}

/**
 * Per position, the first position of its row holding the same id. Ids are only compared, so a reused
 * id (not a contiguous run) reaches back to its first occurrence.
 */
function segmentStarts(segments: Int32Array, batch: number, s: number): Int32Array {
  const start = new Int32Array(segments.length);
  for (let b = 0; b < batch; b++) {
    const firstSeen = new Map<number, number>();
    for (let j = 0; j < s; j++) {
      const id = segments[b * s + j]!;
      let first = firstSeen.get(id);
      if (first === undefined) {
        first = j;
        firstSeen.set(id, j);
      }
      start[b * s + j] = first;
    }
  }
  return start;
}

/** First key that the query at position p of batch row `row` (= b * S) may see. */
export function firstVisibleKey(keys: KeyFilter, row: number, p: number, window: number): number {
  const first = firstKey(p, window);
  return keys.segmentStart === null ? first : Math.max(first, keys.segmentStart[row + p]!);
}

/** Segment id of the query at position p (0 when not packed; then it is never compared). */
export function querySegment(keys: KeyFilter, row: number, p: number): number {
  return keys.segments === null ? 0 : keys.segments[row + p]!;
}

/** Whether key index `key` (= b * S + j) is padding or in another segment than `qSegment`. */
export function keyHidden(keys: KeyFilter, key: number, qSegment: number): boolean {
  return keys.mask[key] === 0 || (keys.segments !== null && keys.segments[key] !== qSegment);
}
