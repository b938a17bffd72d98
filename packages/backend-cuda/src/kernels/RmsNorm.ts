// RmsNorm, and RmsNormGrad in RmsNormGrad.ts (core-tensor's fused op) over csrc/RmsNorm.cu: one block per
// row (x and dx), and the weight gradient as a two-pass column sum (reduce-op.ts's columnSumPlan). A
// few rows (decoding) take rms_norm_forward_vec4: a wider block, each thread one to four float4.
import { RmsNorm, type RmsNormAttrs, tf } from '@medgpt/core-tensor';
import { cudaBackend, requireFloat32, rowGrid, sizeOf } from './launch-config.js';

export type Inputs = { x: tf.TensorInfo; weight: tf.TensorInfo; dy?: tf.TensorInfo };

/**
 * Threads per row for the one-block-per-row kernels: about 8 elements each, 64 to 256. Small blocks
 * keep more rows in flight per SM: for [8192, 896] (128 threads) the forward took 30 us on an H200 and
 * the whole backward 65 us, against 34 and 71 us with 256 threads.
 */
export function rowBlock(width: number): number {
  let threads = 64;
  while (threads < 256 && threads * 8 < width) threads *= 2;
  return threads;
}

/** Rows up to which the forward takes the latency-bound few-rows kernel (about two blocks an SM). */
export const FEW_ROWS = 256;
/** csrc/RmsNorm.cu's ROW_VECTORS and the few-rows kernel's largest block. */
const ROW_VECTORS = 4;
const VEC4_MAX_BLOCK = 512;

/**
 * The few-rows kernel's block for rows of `width` (one float4 a thread while 512 threads cover the
 * row, then up to four), or null when it does not apply: many rows, a width not a multiple of 4 or
 * above 4 * 4 * 512, or a pointer not 16-byte aligned.
 */
export function vec4Block(rows: number, width: number, pointers: number[]): number | null {
  if (rows > FEW_ROWS || width % 4 !== 0 || pointers.some((p) => p % 16 !== 0)) return null;
  const vectors = width / 4;
  const perThread = Math.ceil(vectors / VEC4_MAX_BLOCK);
  if (perThread > ROW_VECTORS) return null;
  return Math.ceil(vectors / perThread / 32) * 32;
}

export const rmsNormConfig: tf.KernelConfig = {
  kernelName: RmsNorm,
  backendName: 'cuda',
  kernelFunc: ({ inputs, backend: b, attrs }) => {
    const backend = cudaBackend(b);
    const { x, weight } = inputs as Inputs;
    requireFloat32(RmsNorm, 'x', x);
    const width = sizeOf(weight);
    const rows = sizeOf(x) / width;
    const y = backend.makeTensorInfo(x.shape, 'float32');
    if (width === 0 || rows === 0) return y;
    const pointers = [backend.pointer(x), backend.pointer(weight), backend.pointer(y)];
    const vec4 = vec4Block(rows, width, pointers);
    const runtime = backend.runtime;
    const fn =
      vec4 === null
        ? runtime.fn('RmsNorm', 'rms_norm_forward')
        : runtime.fn('RmsNorm', 'rms_norm_forward_vec4');
    fn.launch(runtime.stream, rowGrid(rows), vec4 ?? rowBlock(width), 0, [
      ...pointers,
      rows,
      width,
      (attrs as RmsNormAttrs).eps,
    ]);
    return y;
  },
};
