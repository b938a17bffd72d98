// Rope, and RopeGrad in RopeGrad.ts (core-tensor's fused op) over csrc/Rope.cu. The inverse frequencies (an
// attribute, float32 as HF's buffer) are uploaded once per distinct table and kept on the device by the
// backend.
import { Rope, RopeGrad, type RopeAttrs, tf } from '@medgpt/core-tensor';
import type { CudaBackend } from '../backend/cuda-backend.js';
import { cudaBackend, gridFor, requireFloat32, sizeOf, BLOCK } from './launch-config.js';

export function rotate(
  backend: CudaBackend,
  x: tf.TensorInfo,
  positions: tf.TensorInfo,
  attrs: RopeAttrs,
  direction: 1 | -1,
): tf.TensorInfo {
  requireFloat32(direction === 1 ? Rope : RopeGrad, 'q/k', x);
  const out = backend.makeTensorInfo(x.shape, 'float32');
  const n = sizeOf(x);
  if (n === 0) return out;
  const tokens = sizeOf(positions);
  backend.runtime
    .fn('Rope', 'rope_rotate')
    .launch(backend.runtime.stream, gridFor(n), BLOCK, 0, [
      backend.pointer(x),
      backend.pointer(out),
      backend.pointer(positions),
      backend.constant(`rope:${attrs.invFreq.join(',')}`, () => Float32Array.from(attrs.invFreq)),
      tokens,
      n / tokens,
      attrs.headDim,
      attrs.invFreq.length,
      attrs.attentionScaling,
      direction,
    ]);
  return out;
}

export const ropeConfig: tf.KernelConfig = {
  kernelName: Rope,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend: b, attrs }) => {
    const backend = cudaBackend(b);
    const { q, k, positions } = inputs as { q: tf.TensorInfo; k: tf.TensorInfo; positions: tf.TensorInfo };
    return [
      rotate(backend, q, positions, attrs as RopeAttrs, 1),
      rotate(backend, k, positions, attrs as RopeAttrs, 1),
    ];
  },
};
