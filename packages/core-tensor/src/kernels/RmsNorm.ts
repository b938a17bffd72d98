import { hostKernelFunc, type HostKernelConfig, type HostKernelImpl } from './js-kernel.js';
import { RmsNorm, type RmsNormAttrs } from '../kernel-names.js';

/** 1 / sqrt(mean(x[row]^2) + eps), accumulated in float64. */
export function inverseRms(x: Float32Array, offset: number, width: number, eps: number): number {
  let sumSq = 0;
  for (let j = 0; j < width; j++) {
    const v = x[offset + j]!;
    sumSq += v * v;
  }
  return 1 / Math.sqrt(sumSq / width + eps);
}

export const rmsNormHostKernel: HostKernelImpl = ({ x, weight }, attrs) => {
  const { eps } = attrs as RmsNormAttrs;
  const xs = x!.values as Float32Array;
  const w = weight!.values as Float32Array;
  const width = w.length;
  const y = new Float32Array(xs.length);
  for (let off = 0; off < xs.length; off += width) {
    const r = inverseRms(xs, off, width, eps);
    for (let j = 0; j < width; j++) y[off + j] = xs[off + j]! * r * w[j]!;
  }
  return { values: y, shape: x!.shape };
};

export const rmsNormConfig: HostKernelConfig = {
  kernelName: RmsNorm,
  kernelFunc: hostKernelFunc(rmsNormHostKernel),
};
