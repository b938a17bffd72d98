// AttentionGrad (the backward of Attention) over the same CUDA source; see Attention.ts.
import { AttentionGrad, type AttentionAttrs, tf } from '@medgpt/core-tensor';
import type { CudaBackend } from '../backend/cuda-backend.js';
import { cudaBackend, gridFor, sizeOf } from './launch-config.js';
import {
  WARPS_PER_BLOCK,
  Inputs,
  FLASH_TILE,
  flashHeadDim,
  dqShared,
  dkdvShared,
  lseKey,
  shapeOf,
  launchGrid,
  pointers,
} from './Attention.js';

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
    const flash = sizeOf(q) === 0 ? null : flashHeadDim(backend, q, a);
    if (flash !== null) {
      flashBackward(backend, flash, { q, k, v, attentionMask, segmentIds, out, dy }, a, [dq, dk, dv]);
      return [dq, dk, dv];
    }
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

/**
 * The tiled backward: flash_attention_dq_* (dq plus each query row's log2-sum-exp and rowsum(dO o O)
 * into scratch), then flash_attention_dkdv_* per key tile and query head; with grouped-query heads the
 * per-head slices are summed per group. Deterministic: no atomics.
 */
function flashBackward(
  backend: CudaBackend,
  d: 64 | 128,
  t: Required<Inputs>,
  a: AttentionAttrs,
  [dq, dk, dv]: tf.TensorInfo[],
): void {
  const runtime = backend.runtime;
  const { fields } = shapeOf(AttentionGrad, t.q, t.k, a);
  const tq = t.q.shape[0]! / a.batch;
  const s = t.k.shape[0]! / a.batch;
  const stats = [a.batch * a.numHeads * tq];
  const lse = backend.makeTensorInfo(stats, 'float32');
  const delta = backend.makeTensorInfo(stats, 'float32');
  // The forward's log2-sum-exp when this output came from the tiled forward of the same call (0: the
  // dq kernel computes it in a first pass).
  const forwardLse = backend.sidecar(t.out, lseKey(a, tq)) ?? 0;
  runtime
    .fn('FlashAttention', `flash_attention_dq_d${d}`)
    .launch(runtime.stream, Math.ceil(tq / FLASH_TILE) * a.batch * a.numHeads, 128, dqShared(d), [
      ...pointers(backend, [t.q, t.k, t.v, t.attentionMask, t.segmentIds, t.out, t.dy]),
      forwardLse,
      ...pointers(backend, [dq!, lse, delta]),
      fields,
      a.scale,
    ]);
  const group = a.numHeads / a.numKvHeads;
  const partialShape = [a.batch * s, a.numHeads * d];
  const dkHeads = group > 1 ? backend.makeTensorInfo(partialShape, 'float32') : dk!;
  const dvHeads = group > 1 ? backend.makeTensorInfo(partialShape, 'float32') : dv!;
  runtime
    .fn('FlashAttention', `flash_attention_dkdv_d${d}`)
    .launch(runtime.stream, Math.ceil(s / FLASH_TILE) * a.batch * a.numHeads, 128, dkdvShared(d), [
      ...pointers(backend, [
        t.q,
        t.k,
        t.v,
        t.attentionMask,
        t.segmentIds,
        t.dy,
        lse,
        delta,
        dkHeads,
        dvHeads,
      ]),
      fields,
      a.scale,
    ]);
  if (group > 1) {
    const sum = runtime.fn('FlashAttention', 'flash_attention_group_sum');
    const n = a.batch * s * a.numKvHeads * d;
    for (const [from, to] of [
      [dkHeads, dk!],
      [dvHeads, dv!],
    ] as const) {
      sum.launch(runtime.stream, gridFor(n), 256, 0, [
        backend.pointer(from),
        backend.pointer(to),
        a.batch * s,
        a.numKvHeads,
        group,
        d,
      ]);
      backend.disposeIntermediateTensorInfo(from);
    }
  }
  backend.disposeIntermediateTensorInfo(lse);
  backend.disposeIntermediateTensorInfo(delta);
}
