// Kernel AdamWUpdate: one torch.optim.AdamW step (amsgrad off) for one parameter tensor, in one
// launch. Hyperparameters and the step are attrs, so a step uploads no scalars.
import { hostKernelFunc, type HostKernelConfig, type HostKernelImpl } from './js-kernel.js';
import { AdamWUpdate, type AdamWUpdateAttrs } from '../kernel-names.js';

// Float64 throughout; m and v are rounded to float32 before use, as they are stored.
export const adamWUpdateHostKernel: HostKernelImpl = ({ param, grad, m, v }, attrs) => {
  const { lr, beta1, beta2, eps, weightDecay, step } = attrs as AdamWUpdateAttrs;
  const p = param!.values;
  const g = grad!.values;
  const m0 = m!.values;
  const v0 = v!.values;
  const n = p.length;
  if (g.length !== n || m0.length !== n || v0.length !== n) {
    throw new Error(
      `${AdamWUpdate}: sizes differ (param ${n}, grad ${g.length}, m ${m0.length}, v ${v0.length})`,
    );
  }
  const stepSize = lr / (1 - beta1 ** step);
  const bc2Sqrt = Math.sqrt(1 - beta2 ** step);
  const decay = 1 - lr * weightDecay;
  const pOut = new Float32Array(n);
  const mOut = new Float32Array(n);
  const vOut = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const gi = g[i]!;
    const mi = Math.fround(m0[i]! + (1 - beta1) * (gi - m0[i]!));
    const vi = Math.fround(beta2 * v0[i]! + (1 - beta2) * gi * gi);
    pOut[i] = p[i]! * decay - (stepSize * mi) / (Math.sqrt(vi) / bc2Sqrt + eps);
    mOut[i] = mi;
    vOut[i] = vi;
  }
  const shape = param!.shape;
  return [
    { values: pOut, shape },
    { values: mOut, shape },
    { values: vOut, shape },
  ];
};

export const adamWUpdateConfig: HostKernelConfig = {
  kernelName: AdamWUpdate,
  kernelFunc: hostKernelFunc(adamWUpdateHostKernel),
};
