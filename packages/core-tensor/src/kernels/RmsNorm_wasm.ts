import { tf } from '../tf.js';
import { withScratch } from './wasm-scratch.js';
import { RmsNorm, type RmsNormAttrs } from '../kernel-names.js';

// RmsNorm on wasm: the row sums are one JS pass in float64; the per-element work is wasm's SIMD
// multiply with the per-row factors as a [rows, 1] column and the weight broadcast, instead of JS loops
// writing every element.

/** Rows of x: every axis but the last. */
export function rowCount(x: tf.TensorInfo, width: number): number {
  return width === 0 ? 0 : tf.util.sizeFromShape(x.shape) / width;
}

/** y = x * r * w with r = 1 / rms(row). */
export const rmsNormWasmKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, weight } = inputs as { x: tf.TensorInfo; weight: tf.TensorInfo };
  const { eps } = attrs as unknown as RmsNormAttrs;
  const width = weight.shape[0]!;
  const rows = rowCount(x, width);
  return withScratch(backend, (s) => {
    const r = s.alloc([rows, 1]);
    inverseRmsColumn(s.f32(x), width, eps, s.f32(r));
    const x2 = { ...x, shape: [rows, width] };
    const y = s.run(tf.Multiply, { a: s.run(tf.Multiply, { a: x2, b: r }), b: weight });
    return s.keep(y, x.shape);
  });
};

/** out[row] = 1 / sqrt(mean(x[row]^2) + eps), summed in float64 (4 partial sums for speed). */
function inverseRmsColumn(xs: Float32Array, width: number, eps: number, out: Float32Array): void {
  for (let row = 0; row < out.length; row++) {
    out[row] = 1 / Math.sqrt(sumOfSquares(xs, row * width, width) / width + eps);
  }
}

export function sumOfSquares(xs: Float32Array, off: number, width: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (const w4 = width & ~3; j < w4; j += 4) {
    const a = xs[off + j]!;
    const b = xs[off + j + 1]!;
    const c = xs[off + j + 2]!;
    const d = xs[off + j + 3]!;
    s0 += a * a;
    s1 += b * b;
    s2 += c * c;
    s3 += d * d;
  }
  for (; j < width; j++) s0 += xs[off + j]! * xs[off + j]!;
  return s0 + s1 + s2 + s3;
}

export const rmsNormWasmConfig: tf.KernelConfig = {
  kernelName: RmsNorm,
  backendName: 'wasm',
  kernelFunc: rmsNormWasmKernel,
};
