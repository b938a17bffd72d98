import { tf } from '../tf.js';
import {
  attentionDims,
  firstVisibleKey,
  keyFilter,
  keyHidden,
  querySegment,
  type AttentionDims,
  type KeyFilter,
} from './attention-keys.js';
import type { HostTensor } from './js-kernel.js';
import type { WasmScratch } from './wasm-scratch.js';

// The block decomposition of the wasm Attention kernels. Work is cut into blocks: a run of query rows
// of one sequence, for the `group` query heads that share one kv head, against the keys those rows may
// see. A block's query rows (all its heads stacked), keys and values are gathered into contiguous
// matrices so each product is one XNNPACK matMul, and its scores are masked in JS and normalised by
// wasm's SIMD softmax. Blocks are bounded (MAX_BLOCK_SCORES), so memory never grows with [B, H, T, T].

/**
 * Query rows per block. Causal rows skip the keys after the block's last row, so shorter blocks skip
 * more of the masked half, at the price of more, smaller XNNPACK calls (each packs its right operand
 * anew). Measured forward+backward at T = 128 and 512 (4/2 heads of 64): 64 beat 32 by 5-20% and 128
 * by 3-10%.
 */
const QUERY_ROWS = 64;

/**
 * Most scores (stacked query rows x keys) of one block, 4 MB per [rows, keys] temporary: long sequences
 * get fewer query rows per block (at least one, so a block holds at most group * S scores).
 */
const MAX_BLOCK_SCORES = 1 << 20;

/**
 * Score of a hidden key: exp() of it minus any finite row max underflows to exactly 0 in the softmax.
 * (Rows with no visible key at all come out uniform and are zeroed afterwards.)
 */
const HIDDEN_SCORE = -1e30;

/** Query rows [i0, i1) of sequence b, the query heads of kv head g, against keys [j0, j1). */
export interface Block {
  b: number;
  g: number;
  i0: number;
  i1: number;
  j0: number;
  j1: number;
}

/** One kernel call: its sizes, the key filter and the scratch that owns the temporaries. */
export interface AttentionCall {
  s: WasmScratch;
  dims: AttentionDims;
  /** The mask and segment ids copied out of the heap (views go stale as blocks allocate). */
  keys: KeyFilter;
  /** Per sequence: whether some key is padding or the row is packed, so keys need a one-by-one check. */
  holes: boolean[];
}

/** Reads sizes and key visibility of a call whose inputs are q, k, attentionMask and segmentIds. */
export function attentionCall(
  s: WasmScratch,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap,
): AttentionCall {
  const { q, k, attentionMask, segmentIds } = inputs as Record<string, tf.TensorInfo>;
  const dims = attentionDims(q!, k!, attrs);
  const host = (t: tf.TensorInfo): HostTensor => ({
    values: s.i32(t).slice(),
    shape: t.shape,
    dtype: t.dtype,
  });
  const keys = keyFilter({ attentionMask: host(attentionMask!), segmentIds: host(segmentIds!) }, attrs, dims);
  const holes = Array.from(
    { length: dims.batch },
    (_, b) => keys.segments !== null || keys.mask.subarray(b * dims.s, (b + 1) * dims.s).includes(0),
  );
  return { s, dims, keys, holes };
}

/** Every block of the call, sequence by sequence, kv head by kv head, query rows in order. */
export function* blocks(call: AttentionCall): Generator<Block> {
  const { batch, tq, s, kvHeads, group, window, offset } = call.dims;
  const rows = Math.max(1, Math.min(QUERY_ROWS, Math.floor(MAX_BLOCK_SCORES / (group * Math.max(s, 1)))));
  for (let b = 0; b < batch; b++) {
    for (let g = 0; g < kvHeads; g++) {
      for (let i0 = 0; i0 < tq; i0 += rows) {
        const i1 = Math.min(tq, i0 + rows);
        let j0 = offset + i0;
        for (let i = i0; i < i1; i++)
          j0 = Math.min(j0, firstVisibleKey(call.keys, b * s, offset + i, window));
        yield { b, g, i0, i1, j0, j1: Math.min(s, offset + i1) };
      }
    }
  }
}

/**
 * Stacked query rows of a block: (i1 - i0) * group. Row (i - i0) * group + hh is query i of head
 * g * group + hh: the heads of one kv head sit side by side in a row of q, so the block's rows of one
 * query are one contiguous run of group * d floats there, and a gather is one copy per query.
 */
export function blockRows(call: AttentionCall, blk: Block): number {
  return call.dims.group * (blk.i1 - blk.i0);
}

/** Offset in a [B*Tq, H*d] tensor of query i's run of the block's heads. */
function queryRunOffset(call: AttentionCall, blk: Block, i: number): number {
  const { tq, heads, headDim: d, group } = call.dims;
  return (blk.b * tq + i) * heads * d + blk.g * group * d;
}

/** [rows, d]: the block's query rows of `src` ([B*Tq, H*d]: q, dy or the output). */
export function gatherQueries(call: AttentionCall, src: tf.TensorInfo, blk: Block): tf.TensorInfo {
  const { s, dims } = call;
  const run = dims.group * dims.headDim;
  const dst = s.alloc([1, blockRows(call, blk), dims.headDim]);
  const [from, to] = [s.f32(src), s.f32(dst)];
  for (let i = blk.i0; i < blk.i1; i++) {
    const off = queryRunOffset(call, blk, i);
    to.set(from.subarray(off, off + run), (i - blk.i0) * run);
  }
  return dst;
}

/** Writes factor * the block's [rows, d] back into its place in `dst` ([B*Tq, H*d]). */
export function scatterQueries(
  call: AttentionCall,
  src: tf.TensorInfo,
  dst: tf.TensorInfo,
  blk: Block,
  factor: number,
): void {
  const run = call.dims.group * call.dims.headDim;
  const [from, to] = [call.s.f32(src), call.s.f32(dst)];
  for (let i = blk.i0; i < blk.i1; i++) {
    const off = queryRunOffset(call, blk, i);
    const o = (i - blk.i0) * run;
    if (factor === 1) to.set(from.subarray(o, o + run), off);
    else for (let x = 0; x < run; x++) to[off + x] = from[o + x]! * factor;
  }
}

/** Calls fn(stacked row, offset of that row in a [B*Tq, H*d] tensor) for every row of a block. */
export function forEachQueryRow(
  call: AttentionCall,
  blk: Block,
  fn: (row: number, offset: number) => void,
): void {
  const { group, headDim: d } = call.dims;
  for (let i = blk.i0; i < blk.i1; i++) {
    const off = queryRunOffset(call, blk, i);
    const row = (i - blk.i0) * group;
    for (let hh = 0; hh < group; hh++) fn(row + hh, off + hh * d);
  }
}

/** Offset in a [B*S, Hkv*d] tensor of key j's head g. */
function keyOffset(call: AttentionCall, blk: Block, j: number): number {
  const { s, kvHeads, headDim: d } = call.dims;
  return (blk.b * s + j) * kvHeads * d + blk.g * d;
}

/** [keys, d]: the block's rows of kv head g in `src` ([B*S, Hkv*d]: k or v). */
export function gatherKeys(call: AttentionCall, src: tf.TensorInfo, blk: Block): tf.TensorInfo {
  const { s, dims } = call;
  const d = dims.headDim;
  const dst = s.alloc([1, blk.j1 - blk.j0, d]);
  const [from, to] = [s.f32(src), s.f32(dst)];
  for (let j = blk.j0; j < blk.j1; j++) {
    const off = keyOffset(call, blk, j);
    to.set(from.subarray(off, off + d), (j - blk.j0) * d);
  }
  return dst;
}

/**
 * [d, keys] = factor * the transpose of gatherKeys: the right operand of q kᵀ (factor = the score scale,
 * which costs nothing in this strided copy) and of dy vᵀ.
 */
export function gatherKeysTransposed(
  call: AttentionCall,
  src: tf.TensorInfo,
  blk: Block,
  factor: number,
): tf.TensorInfo {
  const { s, dims } = call;
  const d = dims.headDim;
  const n = blk.j1 - blk.j0;
  const dst = s.alloc([1, d, n]);
  const [from, to] = [s.f32(src), s.f32(dst)];
  for (let jj = 0; jj < n; jj++) {
    const off = keyOffset(call, blk, blk.j0 + jj);
    for (let x = 0; x < d; x++) to[x * n + jj] = from[off + x]! * factor;
  }
  return dst;
}

/** dst rows of kv head g ([B*S, Hkv*d]) += factor * the block's [keys, d] rows. */
export function accumulateKeys(
  call: AttentionCall,
  src: tf.TensorInfo,
  dst: tf.TensorInfo,
  blk: Block,
  factor: number,
): void {
  const d = call.dims.headDim;
  const [from, to] = [call.s.f32(src), call.s.f32(dst)];
  for (let j = blk.j0; j < blk.j1; j++) {
    const off = keyOffset(call, blk, j);
    const o = (j - blk.j0) * d;
    for (let x = 0; x < d; x++) to[off + x] += from[o + x]! * factor;
  }
}

/**
 * softmax over the visible keys of each row of a block's [rows, keys] scores (already scaled), as a new
 * [rows, keys] temporary: hidden keys are set to HIDDEN_SCORE in place, wasm's softmax (XNNPACK, SIMD
 * exp) normalises, and rows that see no key are zeroed (they output 0 and get no gradient).
 */
export function blockProbabilities(call: AttentionCall, scores: tf.TensorInfo, blk: Block): tf.TensorInfo {
  const rows = blockRows(call, blk);
  const n = blk.j1 - blk.j0;
  const empty = maskScores(call, call.s.f32(scores), blk);
  const probs = call.s.run(tf.Softmax, { logits: { ...scores, shape: [rows, n] } }, { dim: 1 });
  const group = call.dims.group;
  if (empty.length > 0) {
    const p = call.s.f32(probs);
    for (const ii of empty) p.fill(0, ii * group * n, (ii + 1) * group * n);
  }
  return probs;
}

/** Hides the keys each query row may not see; returns the rows (ii = i - i0) that see none. */
function maskScores(call: AttentionCall, sc: Float32Array, blk: Block): number[] {
  const { keys, dims } = call;
  const { s, group, window, offset } = dims;
  const n = blk.j1 - blk.j0;
  const span = blk.i1 - blk.i0;
  const row0 = blk.b * s;
  const empty: number[] = [];
  const hiddenInside: number[] = [];
  for (let ii = 0; ii < span; ii++) {
    const p = offset + blk.i0 + ii;
    const first = firstVisibleKey(keys, row0, p, window) - blk.j0;
    const last = Math.min(p, s - 1) - blk.j0;
    hiddenInside.length = 0;
    if (call.holes[blk.b]) {
      const qSegment = querySegment(keys, row0, p);
      for (let jj = first; jj <= last; jj++) {
        if (keyHidden(keys, row0 + blk.j0 + jj, qSegment)) hiddenInside.push(jj);
      }
    }
    if (hiddenInside.length === last - first + 1) empty.push(ii);
    for (let hh = 0; hh < group; hh++) {
      const base = (ii * group + hh) * n;
      sc.fill(HIDDEN_SCORE, base, base + first);
      sc.fill(HIDDEN_SCORE, base + last + 1, base + n);
      for (const jj of hiddenInside) sc[base + jj] = HIDDEN_SCORE;
    }
  }
  return empty;
}
