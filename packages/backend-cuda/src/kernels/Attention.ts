// Attention and AttentionGrad (core-tensor's fused causal GQA attention) over csrc/Attention.cu: one
// warp per query row, online softmax; the backward recomputes the probabilities (nothing of size
// [B, H, Tq, S] exists) and accumulates dk/dv with atomics.
import { Attention, AttentionGrad, type AttentionAttrs, tf } from '@medgpt/core-tensor';
import type { CudaBackend } from '../backend/cuda-backend.js';
import { cudaBackend, gridFor, requireFloat32, sizeOf } from './launch-config.js';

/** csrc/Attention.cu's MAX_HEAD_DIM. */
const MAX_HEAD_DIM = 256;
const WARPS_PER_BLOCK = 4;

type Inputs = {
  q: tf.TensorInfo;
  k: tf.TensorInfo;
  v: tf.TensorInfo;
  attentionMask: tf.TensorInfo;
  segmentIds: tf.TensorInfo;
  out?: tf.TensorInfo;
  dy?: tf.TensorInfo;
};

/** csrc/Attention.cu's AttentionShape fields and the launch size (one warp per query row). */
function shapeOf(
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

function launchGrid(rows: number): number {
  return gridFor(rows * 32, 32 * WARPS_PER_BLOCK);
}

function pointers(backend: CudaBackend, infos: tf.TensorInfo[]): number[] {
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
    backend.runtime
      .fn('Attention', 'attention_forward')
      .launch(backend.runtime.stream, launchGrid(rows), 32 * WARPS_PER_BLOCK, 0, [
        ...pointers(backend, [q, k, v, attentionMask, segmentIds, out]),
        fields,
        a.scale,
      ]);
    return out;
  },
};

export const attentionGradConfig: tf.KernelConfig = {
  kernelName: AttentionGrad,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend: b, attrs }) => {
    const backend = cudaBackend(b);
    const { q, k, v, attentionMask, segmentIds, out, dy } = inputs as Required<Inputs>;
    const a = attrs as AttentionAttrs;
    const dq = backend.makeTensorInfo(q.shape, 'float32');
    const dk = backend.makeTensorInfo(k.shape, 'float32');
    const dv = backend.makeTensorInfo(v.shape, 'float32');
    const runtime = backend.runtime;
    // dk and dv are accumulated with atomics.
    runtime.fill32(backend.pointer(dk), 0, sizeOf(dk), 'AttentionGrad dk');
    runtime.fill32(backend.pointer(dv), 0, sizeOf(dv), 'AttentionGrad dv');
    if (sizeOf(q) === 0) return [dq, dk, dv];
    const { fields, rows } = shapeOf(AttentionGrad, q, k, a);
    runtime
      .fn('Attention', 'attention_backward')
      .launch(runtime.stream, launchGrid(rows), 32 * WARPS_PER_BLOCK, 0, [
        ...pointers(backend, [q, k, v, attentionMask, segmentIds, out, dy, dq, dk, dv]),
        fields,
        a.scale,
      ]);
    return [dq, dk, dv];
  },
};
