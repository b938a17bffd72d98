// Kernel SgdUpdate: one torch.optim.SGD step for one parameter tensor, in one launch.
import type { tf } from '../../tf.js';
import { registerHostKernel, type HostKernelImpl } from '../../ops/kernels/js-kernel.js';

/** Kernel name (see SgdUpdateAttrs for inputs, outputs and arithmetic). */
export const SgdUpdate = 'SgdUpdate';

/**
 * Inputs `param`, `grad` and, from the second step on when momentum != 0, `buf` (momentum_buffer).
 * Outputs [param] when momentum is 0, else [param, buf]. torch's arithmetic:
 *   d = grad + weightDecay * param
 *   buf = first step ? d : momentum * buf + (1 - dampening) * d;  d = nesterov ? d + momentum * buf : buf
 *   param -= lr * d
 */
export interface SgdUpdateAttrs extends tf.NamedAttrMap {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
}

export const sgdUpdateHostKernel: HostKernelImpl = ({ param, grad, buf }, attrs) => {
  const { lr, momentum, dampening, weightDecay, nesterov } = attrs as SgdUpdateAttrs;
  const p = param!.values;
  const g = grad!.values;
  const b0 = buf?.values;
  const n = p.length;
  if (g.length !== n || (b0 && b0.length !== n)) {
    throw new Error(`${SgdUpdate}: sizes differ (param ${n}, grad ${g.length}, buf ${b0?.length})`);
  }
  const pOut = new Float32Array(n);
  const bOut = momentum !== 0 ? new Float32Array(n) : undefined;
  for (let i = 0; i < n; i++) {
    let d = g[i]! + weightDecay * p[i]!;
    if (bOut) {
      // The buffer is stored in float32; later arithmetic reads the stored value.
      const b = Math.fround(b0 ? momentum * b0[i]! + (1 - dampening) * d : d);
      bOut[i] = b;
      d = nesterov ? d + momentum * b : b;
    }
    pOut[i] = p[i]! - lr * d;
  }
  const shape = param!.shape;
  return bOut
    ? [
        { values: pOut, shape },
        { values: bOut, shape },
      ]
    : [{ values: pOut, shape }];
};

registerHostKernel(SgdUpdate, sgdUpdateHostKernel);
