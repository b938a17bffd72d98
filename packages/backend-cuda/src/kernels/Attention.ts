// Attention, and AttentionGrad in AttentionGrad.ts (core-tensor's fused causal GQA attention). Two
// implementations:
// - csrc/FlashAttention.cu (bf16 tensor cores, fp32 accumulation; tiled, deterministic backward) when
//   the matmul precision is bf16 or tf32, the head dim is 64 or 128 and there are at least
//   FLASH_MIN_QUERIES query rows: training and prompt prefill;
// - csrc/Attention.cu otherwise (exact fp32, online softmax; the backward recomputes the
//   probabilities and accumulates dk/dv with atomics): conformance at fp32, decoding and other head
//   dims. Its forward is attention_decode_forward (a block per query row, its warps splitting the
//   keys) for up to DECODE_MAX_QUERIES query rows per sequence, else attention_forward (a warp per
//   query row).
// Neither stores anything of size [B, H, Tq, S].
import { Attention, type AttentionAttrs, tf } from '@medgpt/core-tensor';
import type { CudaBackend } from '../backend/cuda-backend.js';
import { cudaBackend, gridFor, requireFloat32, sizeOf } from './launch-config.js';

/** csrc/Attention.cu's MAX_HEAD_DIM. */
const MAX_HEAD_DIM = 256;
export const WARPS_PER_BLOCK = 4;

export type Inputs = {
  q: tf.TensorInfo;
  k: tf.TensorInfo;
  v: tf.TensorInfo;
  attentionMask: tf.TensorInfo;
  segmentIds: tf.TensorInfo;
  out?: tf.TensorInfo;
  dy?: tf.TensorInfo;
};

/**
 * Query rows per sequence up to which the exact forward gives each row a block of warps that split
 * its keys (decoding: 1; speculative drafts: a few). Above, the rows alone give the GPU enough warps,
 * and a warp per row walks its keys with no merge.
 */
export const DECODE_MAX_QUERIES = 8;
/**
 * Threads per block of attention_decode_forward: 8 warps, each taking chunks of 32 keys. Fixed, not
 * sized to the span: the chunks' order of summation then depends only on the keys a row sees, so a
 * span padded with hidden columns (captured decode steps) gives the same bits as the exact one.
 */
export const DECODE_THREADS = 256;

/** Query rows from which the tiled kernels pay off (a tile holds 64; decoding has 1). */
export const FLASH_MIN_QUERIES = 16;
export const FLASH_TILE = 64;

/** The head dim of the tiled kernels to use, or null for the exact ones. */
export function flashHeadDim(backend: CudaBackend, q: tf.TensorInfo, attrs: AttentionAttrs): 64 | 128 | null {
  if (backend.runtime.matmul.precision === 'fp32') return null;
  const headDim = q.shape[1]! / attrs.numHeads;
  if (headDim !== 64 && headDim !== 128) return null;
  return q.shape[0]! / attrs.batch >= FLASH_MIN_QUERIES ? headDim : null;
}

// Dynamic shared memory of each tiled kernel, as csrc/FlashAttention.cu carves it (the kernels trap
// when given less). Tiles: forward 64 keys; dq 64 keys (32 at head dim 128); dkdv 64 keys x 64
// queries (32 at head dim 128).
function forwardShared(d: number): number {
  const bk = 64;
  return (bk * (d / 2 + 4) + d * (bk / 2 + 4) + 2 * bk) * 4;
}
export function dqShared(d: number): number {
  const bk = d === 64 ? 64 : 32;
  return (2 * bk * (d / 2 + 4) + d * (bk / 2 + 4) + 2 * bk) * 4;
}
export function dkdvShared(d: number): number {
  const bq = d === 64 ? 64 : 32;
  return bq * 24 + (2 * 64 * (d / 2 + 4) + 2 * bq * (d / 2 + 4) + 2 * d * (bq / 2 + 4)) * 4;
}

/** The sidecar key of the forward's log2-sum-exp: the call's shape and every attr that changes it. */
export function lseKey(a: AttentionAttrs, tq: number): string {
  return `attention-lse:${a.batch},${a.numHeads},${a.numKvHeads},${tq},${a.scale},${a.slidingWindow},${a.queryOffset},${a.hasSegmentIds}`;
}

/** csrc/Attention.cu's AttentionShape fields and the launch size (one warp per query row). */
export function shapeOf(
  kernel: string,
  q: tf.TensorInfo,
  k: tf.TensorInfo,
  attrs: AttentionAttrs,
): { fields: number[]; rows: number } {
  const headDim = q.shape[1]! / attrs.numHeads;
  if (headDim > MAX_HEAD_DIM)
    throw new RangeError(`cuda ${kernel}: head dim ${headDim} exceeds ${MAX_HEAD_DIM}`);
  const tq = q.shape[0]! / attrs.batch;
  const s = k.shape[0]! / attrs.batch;
  const fields = [
    attrs.batch,
    tq,
    s,
    attrs.numHeads,
    attrs.numKvHeads,
    headDim,
    attrs.slidingWindow,
    attrs.queryOffset,
    attrs.hasSegmentIds ? 1 : 0,
  ];
  return { fields, rows: attrs.batch * attrs.numHeads * tq };
}

export function launchGrid(rows: number): number {
  return gridFor(rows * 32, 32 * WARPS_PER_BLOCK);
}

export function pointers(backend: CudaBackend, infos: tf.TensorInfo[]): number[] {
  return infos.map((t) => backend.pointer(t));
}

export const attentionConfig: tf.KernelConfig = {
  kernelName: Attention,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend: b, attrs }) => {
    const backend = cudaBackend(b);
    const { q, k, v, attentionMask, segmentIds } = inputs as Inputs;
    requireFloat32(Attention, 'q', q);
    const a = attrs as AttentionAttrs;
    const out = backend.makeTensorInfo(q.shape, 'float32');
    if (sizeOf(q) === 0) return out;
    const { fields, rows } = shapeOf(Attention, q, k, a);
    const flash = flashHeadDim(backend, q, a);
    if (flash !== null) {
      const tq = q.shape[0]! / a.batch;
      // The rows' log2-sum-exp rides along with the output for the backward (flashBackward).
      const rows = a.batch * a.numHeads * tq;
      const lse = backend.attachSidecar(out, lseKey(a, tq), 4 * rows);
      backend.runtime
        .fn('FlashAttention', `flash_attention_forward_d${flash}`)
        .launch(
          backend.runtime.stream,
          Math.ceil(tq / FLASH_TILE) * a.batch * a.numHeads,
          128,
          forwardShared(flash),
          [...pointers(backend, [q, k, v, attentionMask, segmentIds, out]), lse, fields, a.scale],
        );
      return out;
    }
    const args = [...pointers(backend, [q, k, v, attentionMask, segmentIds, out]), fields, a.scale];
    const tq = q.shape[0]! / a.batch;
    const runtime = backend.runtime;
    if (tq <= DECODE_MAX_QUERIES) {
      runtime
        .fn('Attention', 'attention_decode_forward')
        .launch(runtime.stream, rows, DECODE_THREADS, 0, args);
    } else {
      runtime
        .fn('Attention', 'attention_forward')
        .launch(runtime.stream, launchGrid(rows), 32 * WARPS_PER_BLOCK, 0, args);
    }
    return out;
  },
};
