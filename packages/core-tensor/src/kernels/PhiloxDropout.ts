// Kernel PhiloxDropout: inverted dropout whose mask is regenerated from the attrs, so the gradient
// (the same kernel applied to dy) needs no saved mask.
import { hostKernelFunc, type HostKernelConfig, type HostKernelImpl } from './js-kernel.js';
import { wordToUnit } from '../random/distributions.js';
import { philoxWords } from '../random/philox.js';
import { PhiloxDropout, type PhiloxDropoutAttrs } from '../kernel-names.js';

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

export const philoxDropoutConfig: HostKernelConfig = {
  kernelName: PhiloxDropout,
  kernelFunc: hostKernelFunc(philoxDropoutHostKernel),
};
