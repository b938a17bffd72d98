import { tf } from '../tf.js';
import { LoraLinearGrad, type LoraLinearAttrs } from '../kernel-names.js';
import { dropInPlace, dropped, matMul, scaled, stream } from './LoraLinear_wasm.js';
import { withScratch } from './wasm-scratch.js';

// LoraLinearGrad on wasm: the products through the registered wasm BatchMatMul, the scalings and sums
// through wasm's SIMD elementwise kernels, the dropout mask regenerated in JS (as LoraLinear_wasm.ts).

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

export const loraLinearGradWasmConfig: tf.KernelConfig = {
  kernelName: LoraLinearGrad,
  backendName: 'wasm',
  kernelFunc: loraLinearGradWasmKernel,
};
