import type { tf } from '../../tf.js';
import { registerHostKernel, type HostKernelImpl } from './js-kernel.js';
import { classAt, rowLogSumExp } from './logits-row.js';
import { tokenLogprobsWasmKernel } from './wasm/Logits.js';

/**
 * Kernel name: per-token log-probabilities. Inputs `logits` float32 [N, V], `labels` int32 [N]. Output
 * float32 [N]: log softmax(row)[label], and 0 where label == ignoreIndex.
 */
export const TokenLogprobs = 'TokenLogprobs';

export interface TokenLogprobsAttrs extends tf.NamedAttrMap {
  ignoreIndex: number;
}

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

registerHostKernel(TokenLogprobs, tokenLogprobsHostKernel, { wasm: tokenLogprobsWasmKernel });
