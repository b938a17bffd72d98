import { hostKernelFunc, type HostKernelConfig, type HostKernelImpl } from './js-kernel.js';
import { applyDropout, matMul2d } from './lora-linear-host-math.js';
import { LoraLinear, type LoraLinearAttrs } from '../kernel-names.js';

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

export const loraLinearConfig: HostKernelConfig = {
  kernelName: LoraLinear,
  kernelFunc: hostKernelFunc(loraLinearHostKernel),
};
