import { hostKernelFunc, type HostKernelConfig, type HostKernelImpl } from './js-kernel.js';
import { ropeTable, rotateHeads } from './Rope.js';
import { RopeGrad, type RopeAttrs } from '../kernel-names.js';

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

export const ropeGradConfig: HostKernelConfig = {
  kernelName: RopeGrad,
  kernelFunc: hostKernelFunc(ropeGradHostKernel),
};
