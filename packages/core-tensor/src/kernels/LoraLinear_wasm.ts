import { tf } from '../../../tf.js';
import type { LoraLinearAttrs } from '../LoraLinear.js';
import { applyDropout, type DropoutStream } from '../LoraLinearHostMath.js';
import { withScratch, type WasmScratch } from './wasm-scratch.js';

// LoraLinear and LoraLinearGrad on wasm: every product goes through the registered wasm BatchMatMul
// (XNNPACK, with our routing of transpose flags), the sums and scalings through wasm's SIMD elementwise
// kernels; the JS kernels multiply with a JS matmul. Dropout's keep mask is regenerated in JS from its
// Philox stream, exactly as the JS kernels do.

function stream(attrs: LoraLinearAttrs): DropoutStream {
  return { rate: attrs.dropoutRate, key0: attrs.key0, key1: attrs.key1, offset: attrs.offset };
}

/** a x op(b) (op = transpose when tb), 2-D. */
function matMul(
  s: WasmScratch,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): tf.TensorInfo {
  return s.run(tf.BatchMatMul, { a, b }, { transposeA, transposeB });
}

/** x * c for a scalar c (wasm multiply broadcasts a one-element tensor). */
function scaled(s: WasmScratch, x: tf.TensorInfo, c: number): tf.TensorInfo {
  const scalar = s.alloc([]);
  s.f32(scalar)[0] = c;
  const out = s.run(tf.Multiply, { a: x, b: scalar });
  s.free(scalar);
  return out;
}

/** In place: x with LoRA dropout applied (mask regenerated from the stream). */
function dropInPlace(s: WasmScratch, x: tf.TensorInfo, d: DropoutStream): void {
  if (d.rate === 0) return;
  const values = s.f32(x);
  values.set(applyDropout(values, d));
}

/** drop(x) as a new temporary, or x itself without dropout. */
function dropped(s: WasmScratch, x: tf.TensorInfo, d: DropoutStream): tf.TensorInfo {
  if (d.rate === 0) return x;
  const h = s.alloc(x.shape);
  s.f32(h).set(s.f32(x));
  dropInPlace(s, h, d);
  return h;
}

/** [y, xa]: xa = drop(x) Aᵀ, y = x Wᵀ (+ b) + (scale xa) Bᵀ. */
export const loraLinearWasmKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, weight, bias, loraA, loraB } = inputs as Record<string, tf.TensorInfo | undefined>;
  const a = attrs as unknown as LoraLinearAttrs;
  return withScratch(backend, (s) => {
    const h = dropped(s, x!, stream(a));
    const xa = matMul(s, h, loraA!, false, true);
    if (h !== x) s.free(h);
    // Scaling the [T, r] factor costs r/out of scaling the [T, out] product.
    const low = matMul(s, scaled(s, xa, a.scale), loraB!, false, true);
    let y = s.run(tf.Add, { a: matMul(s, x!, weight!, false, true), b: low });
    if (bias) y = s.run(tf.Add, { a: y, b: bias });
    return [s.keep(y), s.keep(xa)];
  });
};

/**
 * [dx, dA, dB] with h = drop(x): dxa = s dy B, dB = s dyᵀ xa, dA = dxaᵀ h, dx = dy W + drop(dxa A)
 * (the JS kernel's formulas).
 */
export const loraLinearGradWasmKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, x, weight, loraA, loraB, xa } = inputs as Record<string, tf.TensorInfo>;
  const a = attrs as unknown as LoraLinearAttrs;
  const d = stream(a);
  return withScratch(backend, (s) => {
    const dxa = scaled(s, matMul(s, dy!, loraB!, false, false), a.scale);
    const dB = scaled(s, matMul(s, dy!, xa!, true, false), a.scale);
    const h = dropped(s, x!, d);
    const dA = matMul(s, dxa, h, true, false);
    const dh = matMul(s, dxa, loraA!, false, false);
    dropInPlace(s, dh, d);
    const dx = s.run(tf.Add, { a: matMul(s, dy!, weight!, false, false), b: dh });
    return [s.keep(dx), s.keep(dA), s.keep(dB)];
  });
};
