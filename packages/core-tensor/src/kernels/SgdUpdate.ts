// Kernel SgdUpdate: one torch.optim.SGD step for one parameter tensor, in one launch.
import { hostKernelFunc, type HostKernelConfig, type HostKernelImpl } from './js-kernel.js';
import { SgdUpdate, type SgdUpdateAttrs } from '../kernel-names.js';

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

export const sgdUpdateConfig: HostKernelConfig = {
  kernelName: SgdUpdate,
  kernelFunc: hostKernelFunc(sgdUpdateHostKernel),
};
