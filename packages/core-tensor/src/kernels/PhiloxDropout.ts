// Kernel PhiloxDropout: inverted dropout whose mask is regenerated from the attrs, so the gradient
// (the same kernel applied to dy) needs no saved mask.
import type { tf } from '../../tf.js';
import { registerHostKernel, type HostKernelImpl } from '../../ops/kernels/js-kernel.js';
import { wordToUnit } from '../distributions.js';
import { philoxWords } from '../philox.js';

/** Kernel name (see PhiloxDropoutAttrs). */
export const PhiloxDropout = 'PhiloxDropout';

/**
 * Input `x` (float32). Element i is kept, scaled by 1 / (1 - rate), when word i of the Philox stream
 * (key0, key1) from block `offset`, as a uniform in [0, 1), is >= rate; otherwise it is zeroed.
 */
export interface PhiloxDropoutAttrs extends tf.NamedAttrMap {
  rate: number;
  key0: number;
  key1: number;
  offset: number;
}

export const philoxDropoutHostKernel: HostKernelImpl = ({ x }, attrs) => {
  const { rate, key0, key1, offset } = attrs as PhiloxDropoutAttrs;
  const xs = x!.values;
  const words = new Uint32Array(Math.ceil(xs.length / 4) * 4);
  philoxWords(key0, key1, offset, words);
  const scale = 1 / (1 - rate);
  const out = new Float32Array(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = wordToUnit(words[i]!) >= rate ? xs[i]! * scale : 0;
  return { values: out, shape: x!.shape };
};

registerHostKernel(PhiloxDropout, philoxDropoutHostKernel);
