import { registerHostKernel, type HostKernelImpl } from './js-kernel.js';
import { ropeTable, rotateHeads, type RopeAttrs } from './Rope.js';

/**
 * Kernel name: backward of Rope. Inputs `dyQ`, `dyK` (gradients of the two outputs) and `positions`;
 * attrs as Rope. Outputs [dq, dk]: each head turned back by minus its angle, times the scaling.
 */
export const RopeGrad = 'RopeGrad';

export const ropeGradHostKernel: HostKernelImpl = ({ dyQ, dyK, positions }, attrs) => {
  const { headDim, invFreq, attentionScaling } = attrs as RopeAttrs;
  const pos = positions!.values as Int32Array;
  const table = ropeTable(pos, invFreq, attentionScaling);
  const qWidth = dyQ!.shape[1]!;
  const kWidth = dyK!.shape[1]!;
  return [
    { values: rotateHeads(dyQ!.values as Float32Array, qWidth, headDim, pos, table, -1), shape: dyQ!.shape },
    { values: rotateHeads(dyK!.values as Float32Array, kWidth, headDim, pos, table, -1), shape: dyK!.shape },
  ];
};

registerHostKernel(RopeGrad, ropeGradHostKernel);
