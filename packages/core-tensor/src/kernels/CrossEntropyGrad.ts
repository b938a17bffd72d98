import { hostKernelFunc, type HostKernelConfig, type HostKernelImpl } from './js-kernel.js';
import { classAt, softmaxMinusOneHot } from './logits-row.js';
import { CrossEntropyGrad, type CrossEntropyAttrs } from '../kernel-names.js';

export const crossEntropyGradHostKernel: HostKernelImpl = ({ logits, labels, dy }, attrs) => {
  const { ignoreIndex, reduction } = attrs as CrossEntropyAttrs;
  const x = logits!.values as Float32Array;
  const ys = labels!.values as Int32Array;
  const vocab = logits!.shape[1]!;
  let count = 0;
  for (let row = 0; row < ys.length; row++)
    if (classAt(CrossEntropyGrad, ys, row, vocab, ignoreIndex) >= 0) count++;
  const dx = new Float32Array(x.length);
  if (count === 0) return { values: dx, shape: logits!.shape };
  const scale = reduction === 'mean' ? dy!.values[0]! / count : dy!.values[0]!;
  for (let row = 0; row < ys.length; row++) {
    const label = ys[row]!;
    if (label !== ignoreIndex) softmaxMinusOneHot(x, row * vocab, vocab, label, scale, dx);
  }
  return { values: dx, shape: logits!.shape };
};

export const crossEntropyGradConfig: HostKernelConfig = {
  kernelName: CrossEntropyGrad,
  kernelFunc: hostKernelFunc(crossEntropyGradHostKernel),
};
