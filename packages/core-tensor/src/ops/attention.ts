import { tf } from '../tf.js';
import { Attention, type AttentionAttrs } from '../kernel-names.js';

export interface AttentionOptions {
  /** Query heads H; q has H * headDim columns. */
  numHeads: number;
  /** Key/value heads Hkv (grouped-query attention); numHeads % numKvHeads must be 0. Default numHeads. */
  numKvHeads?: number;
  /**
   * Sequences B in the batch. Default attentionMask.shape[0] or segmentIds.shape[0]; required when there
   * is neither.
   */
  batch?: number;
  /** Score scale. Default 1 / sqrt(headDim). */
  scale?: number;
  /**
   * int32 [B, S] over the keys: 1 = real token, 0 = padding (left or right). Default all ones.
   * Padded keys are never attended; padded query rows still attend the real keys before them.
   */
  attentionMask?: tf.Tensor;
  /**
   * Sequence packing: int32 [B, S] over the key positions, the id of the packed sample each token
   * belongs to. The query at position p sees key j only if segmentIds[b, j] == segmentIds[b, p], so
   * samples packed into one row never see each other; ids are only compared (any int32 values, need
   * not be contiguous or sorted). Padding may get its own id (e.g. 0): real tokens never see it and it
   * only sees itself; mark it in attentionMask as well to hide it entirely. In the KV-cache form the
   * ids cover the whole cache, queries included. Default: one segment per row (no packing).
   */
  segmentIds?: tf.Tensor;
  /**
   * Mistral-style window W: the query at position p sees keys j with p - W < j <= p, i.e. W keys counting
   * itself (HF transformers' `kv_idx > q_idx - sliding_window`). null / undefined: no window.
   */
  slidingWindow?: number | null;
  /**
   * KV-cache form: absolute position of the first query row, i.e. the cache length before these
   * queries. Default S - Tq (the queries are the last Tq key positions; 0 when training). Keys past
   * queryOffset + Tq - 1 (unfilled slots of a preallocated cache) are never attended.
   */
  queryOffset?: number;
}

/**
 * Causal scaled-dot-product attention over token-major 2-D activations, as the q/k/v projections
 * produce them and o_proj consumes them.
 *
 * - `q`: float32 [B*Tq, numHeads*headDim]; `k`, `v`: float32 [B*S, numKvHeads*headDim]. Row b*T + t is
 *   token t of sequence b. Training uses S = Tq; generation passes the cached keys (S >= Tq).
 * - Returns float32 [B*Tq, numHeads*headDim]: per head, softmax(scale * q k^T + mask) v.
 * - A query row with no visible key (e.g. a left-padding row) outputs 0 and gets zero gradient
 *   (PyTorch's SDPA would give NaN or a uniform average there).
 * - Packed rows (several samples per row): pass `segmentIds`; each sample then attends only itself,
 *   exactly as if it ran alone (positions for rope are the caller's business).
 * - Differentiable in q, k and v. The backward recomputes the probabilities from q and k, so the
 *   tape holds only q, k, v, the mask, the segment ids and the output, never [B, H, Tq, S].
 */
export function attention(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, opts: AttentionOptions): tf.Tensor2D {
  const attrs = attentionAttrs(q, k, v, opts);
  const s = k.shape[0]! / attrs.batch;
  return tf.tidy(() => {
    // tf.fill runs on the backend (no upload), so a missing mask costs no host transfer.
    const attentionMask = opts.attentionMask ?? tf.fill([attrs.batch, s], 1, 'int32');
    // Without packing the kernel ignores this input (attrs.hasSegmentIds is false): pass the mask again
    // rather than allocating ids that all compare equal.
    const segmentIds = opts.segmentIds ?? attentionMask;
    return tf.engine().runKernel(Attention, { q, k, v, attentionMask, segmentIds }, attrs) as tf.Tensor2D;
  });
}

/** Checks the inputs against each other and resolves the defaults into kernel attrs. */
export function attentionAttrs(
  q: tf.Tensor,
  k: tf.Tensor,
  v: tf.Tensor,
  opts: AttentionOptions,
): AttentionAttrs {
  const numHeads = opts.numHeads;
  const numKvHeads = opts.numKvHeads ?? numHeads;
  checkPositiveInt('numHeads', numHeads);
  checkPositiveInt('numKvHeads', numKvHeads);
  if (numHeads % numKvHeads !== 0) {
    throw new Error(`attention: numHeads (${numHeads}) must be a multiple of numKvHeads (${numKvHeads})`);
  }
  for (const [name, t] of [
    ['q', q],
    ['k', k],
    ['v', v],
  ] as const) {
    if (t.rank !== 2 || t.dtype !== 'float32') {
      throw new Error(
        `attention: ${name} must be 2-D float32 [tokens, heads*headDim], got shape [${t.shape}] ${t.dtype}`,
      );
    }
  }
  const [qRows, qCols] = q.shape as [number, number];
  if (qCols % numHeads !== 0) {
    throw new Error(`attention: q has ${qCols} columns, not a multiple of numHeads (${numHeads})`);
  }
  const headDim = qCols / numHeads;
  const kvCols = numKvHeads * headDim;
  if (k.shape[1] !== kvCols) {
    throw new Error(
      `attention: k must have numKvHeads*headDim = ${numKvHeads}*${headDim} = ${kvCols} columns, got shape [${k.shape}]`,
    );
  }
  if (v.shape[0] !== k.shape[0] || v.shape[1] !== k.shape[1]) {
    throw new Error(`attention: v must have the shape of k [${k.shape}], got [${v.shape}]`);
  }
  const batch = resolveBatch(opts, qRows, k.shape[0]!);
  const tq = qRows / batch;
  const s = k.shape[0]! / batch;
  const queryOffset = opts.queryOffset ?? s - tq;
  if (!Number.isInteger(queryOffset) || queryOffset < 0 || queryOffset + tq > s) {
    throw new Error(
      `attention: queryOffset must be an integer in [0, S - Tq] = [0, ${s - tq}] (S = ${s} keys, Tq = ${tq} queries per sequence), got ${queryOffset}`,
    );
  }
  const slidingWindow = opts.slidingWindow ?? 0;
  if (opts.slidingWindow != null) checkPositiveInt('slidingWindow', slidingWindow);
  const scale = opts.scale ?? 1 / Math.sqrt(headDim);
  if (!Number.isFinite(scale)) throw new Error(`attention: scale must be a finite number, got ${scale}`);
  const hasSegmentIds = opts.segmentIds != null;
  return { batch, numHeads, numKvHeads, scale, slidingWindow, queryOffset, hasSegmentIds };
}

function resolveBatch(opts: AttentionOptions, qRows: number, kRows: number): number {
  const batch = opts.batch ?? opts.attentionMask?.shape[0] ?? opts.segmentIds?.shape[0];
  if (batch === undefined) {
    throw new Error('attention: opts.batch is required when no attentionMask or segmentIds is given');
  }
  checkPositiveInt('batch', batch);
  if (qRows % batch !== 0 || kRows % batch !== 0) {
    throw new Error(
      `attention: q rows (${qRows}) and k rows (${kRows}) must both be multiples of batch (${batch})`,
    );
  }
  checkPerKey('attentionMask', opts.attentionMask, batch, kRows / batch);
  checkPerKey('segmentIds', opts.segmentIds, batch, kRows / batch);
  return batch;
}

/** Per-key integer inputs must be int32 [batch, keys]. */
function checkPerKey(name: string, t: tf.Tensor | undefined, batch: number, s: number): void {
  if (t && (t.rank !== 2 || t.shape[0] !== batch || t.shape[1] !== s || t.dtype !== 'int32')) {
    throw new Error(
      `attention: ${name} must be int32 [batch, keys] = [${batch}, ${s}], got [${t.shape}] ${t.dtype}`,
    );
  }
}

function checkPositiveInt(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`attention: ${name} must be a positive integer, got ${value}`);
  }
}
