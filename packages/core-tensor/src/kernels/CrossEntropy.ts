import { hostKernelFunc, type HostKernelConfig, type HostKernelImpl } from './js-kernel.js';
import { classAt, rowLogSumExp } from './logits-row.js';
import { CrossEntropy, type CrossEntropyAttrs } from '../kernel-names.js';

export const crossEntropyHostKernel: HostKernelImpl = ({ logits, labels }, attrs) => {
  const { ignoreIndex, reduction } = attrs as CrossEntropyAttrs;
  const x = logits!.values as Float32Array;
  const ys = labels!.values as Int32Array;
  const vocab = logits!.shape[1]!;
  let total = 0;
  let count = 0;
  for (let row = 0; row < ys.length; row++) {
    const label = classAt(CrossEntropy, ys, row, vocab, ignoreIndex);
    if (label < 0) continue;
    const offset = row * vocab;
    total += rowLogSumExp(x, offset, vocab) - x[offset + label]!;
    count++;
  }
  const loss = reduction === 'mean' ? (count > 0 ? total / count : 0) : total;
  return { values: new Float32Array([loss]), shape: [] };
};

export const crossEntropyConfig: HostKernelConfig = {
  kernelName: CrossEntropy,
  kernelFunc: hostKernelFunc(crossEntropyHostKernel),
};
