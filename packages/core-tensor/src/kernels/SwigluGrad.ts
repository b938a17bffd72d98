import { hostKernelFunc, type HostKernelConfig, type HostKernelImpl } from './js-kernel.js';
import { SwigluGrad } from '../kernel-names.js';

// With s = sigmoid(g): d silu(g)/dg = s * (1 + g * (1 - s)).
export const swigluGradHostKernel: HostKernelImpl = ({ dy, gate, up }) => {
  const d = dy!.values as Float32Array;
  const g = gate!.values as Float32Array;
  const u = up!.values as Float32Array;
  const dGate = new Float32Array(g.length);
  const dUp = new Float32Array(g.length);
  for (let i = 0; i < g.length; i++) {
    const gi = g[i]!;
    const s = 1 / (1 + Math.exp(-gi));
    dUp[i] = d[i]! * gi * s;
    dGate[i] = d[i]! * u[i]! * s * (1 + gi * (1 - s));
  }
  return [
    { values: dGate, shape: gate!.shape },
    { values: dUp, shape: up!.shape },
  ];
};

export const swigluGradConfig: HostKernelConfig = {
  kernelName: SwigluGrad,
  kernelFunc: hostKernelFunc(swigluGradHostKernel),
};
