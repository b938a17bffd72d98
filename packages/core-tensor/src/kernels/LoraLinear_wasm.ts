import { tf } from '../tf.js';
import { applyDropout, type DropoutStream } from './lora-linear-host-math.js';
import { withScratch, type WasmScratch } from './wasm-scratch.js';
import { LoraLinear, type LoraLinearAttrs } from '../kernel-names.js';

// LoraLinear on wasm: every product goes through the registered wasm BatchMatMul
// (XNNPACK, with our routing of transpose flags), the sums and scalings through wasm's SIMD elementwise
// kernels; the JS kernels multiply with a JS matmul. Dropout's keep mask is regenerated in JS from its
// Philox stream, exactly as the JS kernels do.

export function stream(attrs: LoraLinearAttrs): DropoutStream {
  return { rate: attrs.dropoutRate, key0: attrs.key0, key1: attrs.key1, offset: attrs.offset };
}

/** a x op(b) (op = transpose when tb), 2-D. */
export function matMul(
  s: WasmScratch,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): tf.TensorInfo {
  return s.run(tf.BatchMatMul, { a, b }, { transposeA, transposeB });
}

/** x * c for a scalar c (wasm multiply broadcasts a one-element tensor). */
export function scaled(s: WasmScratch, x: tf.TensorInfo, c: number): tf.TensorInfo {
  const scalar = s.alloc([]);
  s.f32(scalar)[0] = c;
  const out = s.run(tf.Multiply, { a: x, b: scalar });
  s.free(scalar);
  return out;
}

/** In place: x with LoRA dropout applied (mask regenerated from the stream). */
export function dropInPlace(s: WasmScratch, x: tf.TensorInfo, d: DropoutStream): void {
  if (d.rate === 0) return;
  const values = s.f32(x);
  values.set(applyDropout(values, d));
}

/** drop(x) as a new temporary, or x itself without dropout. */
export function dropped(s: WasmScratch, x: tf.TensorInfo, d: DropoutStream): tf.TensorInfo {
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

export const loraLinearWasmConfig: tf.KernelConfig = {
  kernelName: LoraLinear,
  backendName: 'wasm',
  kernelFunc: loraLinearWasmKernel,
};
