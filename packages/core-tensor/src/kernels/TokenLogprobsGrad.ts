import { hostKernelFunc, type HostKernelConfig, type HostKernelImpl } from './js-kernel.js';
import { classAt, softmaxMinusOneHot } from './logits-row.js';
import { TokenLogprobsGrad, type TokenLogprobsAttrs } from '../kernel-names.js';

export const tokenLogprobsGradHostKernel: HostKernelImpl = ({ logits, labels, dy }, attrs) => {
  const { ignoreIndex } = attrs as TokenLogprobsAttrs;
  const x = logits!.values as Float32Array;
  const ys = labels!.values as Int32Array;
  const dys = dy!.values as Float32Array;
  const vocab = logits!.shape[1]!;
  const dx = new Float32Array(x.length);
  for (let row = 0; row < ys.length; row++) {
    const label = classAt(TokenLogprobsGrad, ys, row, vocab, ignoreIndex);
    if (label >= 0) softmaxMinusOneHot(x, row * vocab, vocab, label, -dys[row]!, dx);
  }
  return { values: dx, shape: logits!.shape };
};

export const tokenLogprobsGradConfig: HostKernelConfig = {
  kernelName: TokenLogprobsGrad,
  kernelFunc: hostKernelFunc(tokenLogprobsGradHostKernel),
};
