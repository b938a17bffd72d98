import { hostKernelFunc, type HostKernelConfig, type HostKernelImpl } from './js-kernel.js';
import { Swiglu } from '../kernel-names.js';

/** Inputs: `gate` and `up`, float32 of one shape. Output: y of that shape. No attrs. */
export const swigluHostKernel: HostKernelImpl = ({ gate, up }) => {
  const g = gate!.values as Float32Array;
  const u = up!.values as Float32Array;
  const y = new Float32Array(g.length);
  for (let i = 0; i < g.length; i++) {
    const gi = g[i]!;
    y[i] = (gi / (1 + Math.exp(-gi))) * u[i]!;
  }
  return { values: y, shape: gate!.shape };
};

export const swigluConfig: HostKernelConfig = {
  kernelName: Swiglu,
  kernelFunc: hostKernelFunc(swigluHostKernel),
};
