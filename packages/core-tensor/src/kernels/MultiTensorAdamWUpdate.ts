// Kernel MultiTensorAdamWUpdate: one torch.optim.AdamW step (amsgrad off) for a whole group of
// parameter tensors in one launch, the multi-tensor form of AdamWUpdate (torch's foreach/fused
// AdamW). One engine dispatch per group instead of one per parameter; hyperparameters and steps are
// attrs, so a step uploads nothing.
import { hostKernelFunc, type HostKernelConfig, type HostKernelImpl, type HostOutput } from './js-kernel.js';
import { adamWUpdateHostKernel } from './AdamWUpdate.js';
import {
  MultiTensorAdamWUpdate,
  type AdamWUpdateAttrs,
  type MultiTensorAdamWUpdateAttrs,
} from '../kernel-names.js';

// The reference runs the per-parameter kernel on each tensor, so both optimizers agree to the bit.
export const multiTensorAdamWUpdateHostKernel: HostKernelImpl = (inputs, attrs) => {
  const { steps, ...hyper } = attrs as MultiTensorAdamWUpdateAttrs;
  const outputs: HostOutput[] = [];
  steps.forEach((step, i) => {
    const one = {
      param: inputs[`param${i}`]!,
      grad: inputs[`grad${i}`]!,
      m: inputs[`m${i}`]!,
      v: inputs[`v${i}`]!,
    };
    for (const [name, t] of Object.entries(one)) {
      if (t === undefined) throw new Error(`${MultiTensorAdamWUpdate}: input '${name}${i}' is missing`);
    }
    const attrsI: AdamWUpdateAttrs = { ...hyper, step };
    outputs.push(...(adamWUpdateHostKernel(one, attrsI) as HostOutput[]));
  });
  return outputs;
};

export const multiTensorAdamWUpdateConfig: HostKernelConfig = {
  kernelName: MultiTensorAdamWUpdate,
  kernelFunc: hostKernelFunc(multiTensorAdamWUpdateHostKernel),
};
