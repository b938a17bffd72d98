import { tf } from '../tf.js';
import { CrossEntropy, type CrossEntropyAttrs, CrossEntropyGrad } from '../kernel-names.js';
import { countLabels } from './count-labels.js';
import type { CrossEntropyOptions } from './cross-entropy.js';
import {
  checkLinearArgs,
  customGradHW,
  linearChunksBackward,
  mapLogitsChunks,
  type LogitsChunk,
  type WantedGrads,
} from './linear-chunks.js';
import { resolveIgnoreIndex, resolveReduction } from './logits-labels.js';

export interface LinearCrossEntropyOptions extends CrossEntropyOptions {
  /**
   * Token rows per chunk. Default: logitsChunkElements() / vocab, i.e. 2^24 elements (64 MiB of float32
   * logits) unless the backend set its own (setLogitsChunkElements; cuda: 2^27).
   */
  chunkSize?: number;
}

/**
 * crossEntropy(hidden @ weight^T, labels) without the [N, V] logits: `hidden` float32 [N, H], `weight`
 * float32 [V, H] (HF Linear / lm_head layout), `labels` int32 [N]. The logits are computed one chunk of
 * tokens at a time in the forward and recomputed chunk by chunk in the backward, so at most one
 * [chunkSize, V] block is alive. Same semantics as crossEntropy (ignoreIndex, 'mean' | 'sum', 0 when
 * every label is ignored). Differentiable in hidden and weight; the tape saves hidden, weight and labels.
 * Under valueAndGrads a gradient the backward does not want (a frozen lm_head) is not computed.
 */
export function linearCrossEntropy(
  hidden: tf.Tensor,
  weight: tf.Tensor,
  labels: tf.Tensor,
  opts: LinearCrossEntropyOptions = {},
): tf.Scalar {
  const op = 'linearCrossEntropy';
  const chunkSize = checkLinearArgs(op, hidden, weight, labels, opts.chunkSize);
  const ignoreIndex = resolveIgnoreIndex(op, opts.ignoreIndex);
  const reduction = resolveReduction(op, opts.reduction);
  // Chunks are summed; 'mean' divides once by the count over all chunks.
  const sumAttrs: CrossEntropyAttrs = { ignoreIndex, reduction: 'sum' };
  const meanScale = (x: tf.Tensor, ls: tf.Tensor): tf.Tensor =>
    tf.tidy(() => tf.div(x, tf.maximum(tf.cast(countLabels(ls, { ignoreIndex }), 'float32'), 1)));
  const chunkLoss = (c: LogitsChunk): tf.Scalar =>
    tf.engine().runKernel(CrossEntropy, { logits: c.logits, labels: c.labels }, sumAttrs) as tf.Scalar;
  const chunkGrad =
    (dy: tf.Tensor) =>
    (c: LogitsChunk): tf.Tensor2D =>
      tf
        .engine()
        .runKernel(CrossEntropyGrad, { logits: c.logits, labels: c.labels, dy }, sumAttrs) as tf.Tensor2D;
  const run = customGradHW<tf.Scalar>((h, w, save) => {
    save([h, w, labels]);
    const parts = mapLogitsChunks(h, w, labels as tf.Tensor1D, chunkSize, chunkLoss);
    const total = parts.length === 1 ? parts[0]! : tf.addN(parts);
    const value = (reduction === 'mean' ? meanScale(total, labels) : total) as tf.Scalar;
    const gradFunc = (dy: tf.Scalar, saved: tf.Tensor[], wanted: WantedGrads) => {
      const [hs, ws, ls] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
      const scale = reduction === 'mean' ? meanScale(dy, ls) : dy;
      const grads = linearChunksBackward(hs, ws, ls, chunkSize, chunkGrad(scale), wanted);
      if (scale !== dy) scale.dispose();
      return grads;
    };
    return { value, gradFunc };
  });
  return run(hidden, weight);
}
