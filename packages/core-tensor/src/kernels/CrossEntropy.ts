import type { tf } from '../../tf.js';
import { registerHostKernel, type HostKernelImpl } from './js-kernel.js';
import { classAt, rowLogSumExp } from './logits-row.js';
import { crossEntropyWasmKernel } from './wasm/Logits.js';

/**
 * Kernel name: softmax cross-entropy of `logits` float32 [N, V] against `labels` int32 [N]. Rows whose
 * label is `ignoreIndex` are skipped. Output: a float32 scalar, the sum of -log softmax(row)[label]
 * ('sum') or that sum over the number of counted rows ('mean'; 0 when every row is ignored).
 */
export const CrossEntropy = 'CrossEntropy';

export interface CrossEntropyAttrs extends tf.NamedAttrMap {
  ignoreIndex: number;
  reduction: 'mean' | 'sum';
}

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

registerHostKernel(CrossEntropy, crossEntropyHostKernel, { wasm: crossEntropyWasmKernel });
