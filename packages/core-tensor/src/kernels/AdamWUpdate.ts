// Kernel AdamWUpdate: one torch.optim.AdamW step (amsgrad off) for one parameter tensor, in one
// launch. Hyperparameters and the step are attrs, so a step uploads no scalars.
import type { tf } from '../../tf.js';
import { registerHostKernel, type HostKernelImpl } from '../../ops/kernels/js-kernel.js';

/** Kernel name (see AdamWUpdateAttrs for inputs, outputs and arithmetic). */
export const AdamWUpdate = 'AdamWUpdate';

/**
 * Inputs `param`, `grad`, `m` (exp_avg), `v` (exp_avg_sq): float32, one shape. Outputs
 * [param, m, v] after step number `step` (1 for the first), with torch's arithmetic:
 *   param *= 1 - lr * weightDecay
 *   m = beta1 * m + (1 - beta1) * grad;  v = beta2 * v + (1 - beta2) * grad^2
 *   param -= lr / (1 - beta1^step) * m / (sqrt(v) / sqrt(1 - beta2^step) + eps)
 */
export interface AdamWUpdateAttrs extends tf.NamedAttrMap {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  step: number;
}

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

registerHostKernel(AdamWUpdate, adamWUpdateHostKernel);
