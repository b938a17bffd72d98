import type { tf } from '../../tf.js';
import { registerHostKernel, type HostKernelImpl } from './js-kernel.js';
import { applyDropout, matMul2d } from './LoraLinearHostMath.js';
import { loraLinearWasmKernel } from './wasm/LoraLinear.js';

/**
 * Kernel name: a LoRA linear layer in one launch, y = x Wᵀ (+ b) + scale · (drop(x) Aᵀ) Bᵀ.
 *
 * Inputs: `x` [T, in], `weight` [out, in] (torch layout), optional `bias` [out], `loraA` [r, in],
 * `loraB` [out, r]; all float32. Outputs: [y [T, out], xa [T, r]] where xa = drop(x) Aᵀ is what the
 * backward needs besides x (the gradient saves it; callers drop it). The dropout mask is not stored:
 * it is regenerated from the Philox stream named by the attrs, forward and backward.
 */
export const LoraLinear = 'LoraLinear';

export interface LoraLinearAttrs extends tf.NamedAttrMap {
  /** lora_alpha / r, or lora_alpha / sqrt(r) for rsLoRA. */
  scale: number;
  /** LoRA dropout probability; 0 = no dropout (key/offset unused). */
  dropoutRate: number;
  key0: number;
  key1: number;
  /** First Philox block of the mask (Generator.reserve(T * in)). */
  offset: number;
}

export const loraLinearHostKernel: HostKernelImpl = ({ x, weight, bias, loraA, loraB }, attrs) => {
  const { scale, dropoutRate, key0, key1, offset } = attrs as LoraLinearAttrs;
  const [t, inF] = x!.shape as [number, number];
  const [outF] = weight!.shape as [number, number];
  const r = loraA!.shape[0]!;
  const xs = x!.values as Float32Array;
  const h = applyDropout(xs, { rate: dropoutRate, key0, key1, offset });
  const xa = matMul2d(h, [t, inF], loraA!.values as Float32Array, [r, inF], false, true);
  const y = matMul2d(xs, [t, inF], weight!.values as Float32Array, [outF, inF], false, true);
  const low = matMul2d(xa, [t, r], loraB!.values as Float32Array, [outF, r], false, true);
  const b = bias?.values as Float32Array | undefined;
  for (let row = 0; row < t; row++) {
    const base = row * outF;
    for (let j = 0; j < outF; j++) y[base + j] = y[base + j]! + scale * low[base + j]! + (b ? b[j]! : 0);
  }
  return [
    { values: y, shape: [t, outF] },
    { values: xa, shape: [t, r] },
  ];
};

registerHostKernel(LoraLinear, loraLinearHostKernel, { wasm: loraLinearWasmKernel });
