import { tf } from '../tf.js';
import { RmsNormGrad, type RmsNormAttrs } from '../kernel-names.js';
import { rowCount, sumOfSquares } from './RmsNorm_wasm.js';
import { withScratch, type WasmScratch } from './wasm-scratch.js';

// RmsNormGrad on wasm: the sums (per row, and dweight's per column) are one JS pass in float64; the
// per-element work is wasm's SIMD multiply/subtract with the per-row factors as [rows, 1] columns and
// the weight broadcast, instead of JS loops writing every element.

/**
 * [dx, dweight]. With r = 1/rms(row), g = dy * w and n = x * r (as the JS kernel):
 * dx = r * g - x * c where c = r^3 * sum(g * x) / H per row: one JS pass finds r and c, wasm's SIMD
 * multiplies do the rest. dweight = sum over rows of dy * n is summed in that JS pass too (float64):
 * a column sum through wasm would pack all of dy * n for XNNPACK, or transpose it for wasm's Sum.
 */
export const rmsNormGradWasmKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, x, weight } = inputs as { dy: tf.TensorInfo; x: tf.TensorInfo; weight: tf.TensorInfo };
  const { eps } = attrs as unknown as RmsNormAttrs;
  const width = weight.shape[0]!;
  const rows = rowCount(x, width);
  return withScratch(backend, (s) => {
    const r = s.alloc([rows, 1]);
    const c = s.alloc([rows, 1]);
    const dw = s.alloc(weight.shape);
    rowFactors(s, { dy, x, weight }, { width, eps }, { r, c, dw });
    const x2 = { ...x, shape: [rows, width] };
    const g = s.run(tf.Multiply, { a: { ...dy, shape: [rows, width] }, b: weight });
    const rg = s.run(tf.Multiply, { a: g, b: r });
    s.free(g);
    const xc = s.run(tf.Multiply, { a: x2, b: c });
    const dx = s.run(tf.Sub, { a: rg, b: xc });
    return [s.keep(dx, x.shape), s.keep(dw)];
  });
};

/**
 * Fills the [rows, 1] columns r = 1/rms(row) and c = r^3 * sum(dy * w * x) / H, and dw = sum over rows
 * of dy * x * r, all summed in float64 (4 partial sums per row: the adds then overlap).
 */
function rowFactors(
  s: WasmScratch,
  t: { dy: tf.TensorInfo; x: tf.TensorInfo; weight: tf.TensorInfo },
  o: { width: number; eps: number },
  out: { r: tf.TensorInfo; c: tf.TensorInfo; dw: tf.TensorInfo },
): void {
  const [xs, dys, w] = [s.f32(t.x), s.f32(t.dy), s.f32(t.weight)];
  const [r, c] = [s.f32(out.r), s.f32(out.c)];
  const { width, eps } = o;
  const dw = new Float64Array(width);
  for (let row = 0; row < r.length; row++) {
    const off = row * width;
    const inv = 1 / Math.sqrt(sumOfSquares(xs, off, width) / width + eps);
    r[row] = inv;
    c[row] = (inv * inv * inv * weightedDot(dys, xs, w, off, width)) / width;
    for (let j = 0; j < width; j++) dw[j] += dys[off + j]! * xs[off + j]! * inv;
  }
  s.f32(out.dw).set(dw);
}

/** sum over j of dy[off + j] * w[j] * x[off + j]. */
function weightedDot(
  dys: Float32Array,
  xs: Float32Array,
  w: Float32Array,
  off: number,
  width: number,
): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (const w4 = width & ~3; j < w4; j += 4) {
    s0 += dys[off + j]! * w[j]! * xs[off + j]!;
    s1 += dys[off + j + 1]! * w[j + 1]! * xs[off + j + 1]!;
    s2 += dys[off + j + 2]! * w[j + 2]! * xs[off + j + 2]!;
    s3 += dys[off + j + 3]! * w[j + 3]! * xs[off + j + 3]!;
  }
  for (; j < width; j++) s0 += dys[off + j]! * w[j]! * xs[off + j]!;
  return s0 + s1 + s2 + s3;
}

export const rmsNormGradWasmConfig: tf.KernelConfig = {
  kernelName: RmsNormGrad,
  backendName: 'wasm',
  kernelFunc: rmsNormGradWasmKernel,
};
