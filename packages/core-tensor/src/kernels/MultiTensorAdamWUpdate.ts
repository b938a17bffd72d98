// Kernel MultiTensorAdamWUpdate: one torch.optim.AdamW step (amsgrad off) for a whole group of
// parameter tensors in one launch, the multi-tensor form of AdamWUpdate (torch's foreach/fused
// AdamW). One engine dispatch per group instead of one per parameter; hyperparameters and steps are
// attrs, so a step uploads nothing.
import type { tf } from '../../tf.js';
import { registerHostKernel, type HostKernelImpl, type HostOutput } from '../../ops/kernels/js-kernel.js';
import { adamWUpdateHostKernel, type AdamWUpdateAttrs } from './AdamWUpdate.js';

/** Kernel name (see MultiTensorAdamWUpdateAttrs for inputs, outputs and arithmetic). */
export const MultiTensorAdamWUpdate = 'MultiTensorAdamWUpdate';

/**
 * Inputs for tensor i of n = steps.length: `param{i}`, `grad{i}`, `m{i}` (exp_avg), `v{i}` (exp_avg_sq),
 * float32, one shape per i. Outputs [param0, m0, v0, param1, m1, v1, ...]: each tensor updated exactly
 * as AdamWUpdate does with step steps[i]. A device backend may update in place and return the input
 * buffers (refcount + 1): the caller replaces params, m and v with the outputs and keeps no other
 * handle on the inputs.
 */
export interface MultiTensorAdamWUpdateAttrs extends tf.NamedAttrMap {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** Steps taken by each tensor, this one included (1 for the first). */
  steps: number[];
}

/** The kernel's inputs for `tensors` (param, grad, m, v each), in the names above. */
export function multiTensorAdamWInputs(
  tensors: { param: tf.Tensor; grad: tf.Tensor; m: tf.Tensor; v: tf.Tensor }[],
): tf.NamedTensorMap {
  const inputs: tf.NamedTensorMap = {};
  tensors.forEach(({ param, grad, m, v }, i) => {
    inputs[`param${i}`] = param;
    inputs[`grad${i}`] = grad;
    inputs[`m${i}`] = m;
    inputs[`v${i}`] = v;
  });
  return inputs;
}

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

registerHostKernel(MultiTensorAdamWUpdate, multiTensorAdamWUpdateHostKernel);
