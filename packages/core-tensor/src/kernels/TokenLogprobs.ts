import { hostKernelFunc, type HostKernelConfig, type HostKernelImpl } from './js-kernel.js';
import { classAt, rowLogSumExp } from './logits-row.js';
import { TokenLogprobs, type TokenLogprobsAttrs } from '../kernel-names.js';

export const tokenLogprobsHostKernel: HostKernelImpl = ({ logits, labels }, attrs) => {
  const { ignoreIndex } = attrs as TokenLogprobsAttrs;
  const x = logits!.values as Float32Array;
  const ys = labels!.values as Int32Array;
  const vocab = logits!.shape[1]!;
  const out = new Float32Array(ys.length);
  for (let row = 0; row < ys.length; row++) {
    const label = classAt(TokenLogprobs, ys, row, vocab, ignoreIndex);
    if (label < 0) continue;
    const offset = row * vocab;
    out[row] = x[offset + label]! - rowLogSumExp(x, offset, vocab);
  }
  return { values: out, shape: labels!.shape };
};

export const tokenLogprobsConfig: HostKernelConfig = {
  kernelName: TokenLogprobs,
  kernelFunc: hostKernelFunc(tokenLogprobsHostKernel),
};
