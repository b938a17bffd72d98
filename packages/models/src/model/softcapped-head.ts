import {
  checkpoint,
  countLabels,
  crossEntropy,
  logitsChunkElements,
  tf,
  tokenLogprobs,
} from '@medgpt/core-tensor';
import { softcap } from './softcap.js';

export interface SoftcappedHeadOptions {
  /** Label of rows that do not count. Default -100. */
  ignoreIndex?: number;
}

// Rows per chunk: one [rows, vocab] block of logits (core-tensor's budget for its fused head ops).
function chunkRows(weight: tf.Tensor2D): number {
  return Math.max(1, Math.floor(logitsChunkElements() / weight.shape[0]));
}

// Maps each chunk of rows through `f` under a checkpoint, so backward recomputes that chunk's logits
// and no [N, vocab] block outlives its chunk.
function mapChunks(
  hidden: tf.Tensor2D,
  weight: tf.Tensor2D,
  labels: tf.Tensor1D,
  f: (logits: tf.Tensor2D, labels: tf.Tensor1D) => tf.Tensor,
): tf.Tensor[] {
  const n = hidden.shape[0];
  const rows = chunkRows(weight);
  const parts: tf.Tensor[] = [];
  for (let start = 0; start < n; start += rows) {
    const size = Math.min(rows, n - start);
    const h = size === n ? hidden : tf.slice(hidden, [start, 0], [size, -1]);
    const l = size === n ? labels : tf.slice(labels, [start], [size]);
    parts.push(
      checkpoint(
        (hc, wc, lc) => f(tf.matMul(hc as tf.Tensor2D, wc as tf.Tensor2D, false, true), lc as tf.Tensor1D),
        [h, weight, l],
      ),
    );
  }
  return parts;
}

/**
 * transformers' loss over Gemma 2's soft-capped head: crossEntropy(cap * tanh(hidden W^T / cap),
 * labels), 'mean' over counted labels or 'sum'. The tanh makes the head nonlinear, so core-tensor's
 * fused linearCrossEntropy cannot take it; chunks of rows are checkpointed instead, which keeps the
 * memory of one [chunk, vocab] block.
 */
export function softcappedCrossEntropy(
  hidden: tf.Tensor2D,
  weight: tf.Tensor2D,
  labels: tf.Tensor1D,
  cap: number,
  options: SoftcappedHeadOptions & { reduction?: 'mean' | 'sum' } = {},
): tf.Scalar {
  const ignoreIndex = options.ignoreIndex ?? -100;
  return tf.tidy(() => {
    const parts = mapChunks(hidden, weight, labels, (logits, l) =>
      crossEntropy(softcap(logits, cap), l, { ignoreIndex, reduction: 'sum' }),
    );
    const total = parts.length === 1 ? parts[0]! : tf.addN(parts);
    if (options.reduction === 'sum') return total as tf.Scalar;
    const count = tf.cast(countLabels(labels, { ignoreIndex }), 'float32');
    return tf.div(total, tf.maximum(count, 1)) as tf.Scalar;
  });
}

/**
 * Log-probability of each row's label under the soft-capped head at `temperature` (softmax of the
 * capped logits / temperature), float32 [N], 0 where the label is ignored.
 */
export function softcappedTokenLogprobs(
  hidden: tf.Tensor2D,
  weight: tf.Tensor2D,
  labels: tf.Tensor1D,
  cap: number,
  options: SoftcappedHeadOptions & { temperature?: number } = {},
): tf.Tensor1D {
  const temperature = options.temperature ?? 1;
  return tf.tidy(() => {
    const parts = mapChunks(hidden, weight, labels, (logits, l) => {
      const capped = softcap(logits, cap);
      return tokenLogprobs(temperature === 1 ? capped : tf.div(capped, temperature), l, {
        ignoreIndex: options.ignoreIndex,
      });
    });
    return (parts.length === 1 ? parts[0]! : tf.concat(parts)) as tf.Tensor1D;
  });
}

/**
 * Per row of `hidden` [N, H], the mean over the vocabulary of the soft-capped logits, float32 [N] (a
 * metric: chunks of rows, not checkpointed).
 */
export function softcappedMeanLogits(hidden: tf.Tensor2D, weight: tf.Tensor2D, cap: number): tf.Tensor1D {
  return tf.tidy(() => {
    const n = hidden.shape[0];
    const rows = chunkRows(weight);
    const parts: tf.Tensor[] = [];
    for (let start = 0; start < n; start += rows) {
      const h = tf.slice(hidden, [start, 0], [Math.min(rows, n - start), -1]);
      parts.push(tf.mean(softcap(tf.matMul(h, weight, false, true), cap), 1));
    }
    return (parts.length === 1 ? parts[0]! : tf.concat(parts)) as tf.Tensor1D;
  });
}
