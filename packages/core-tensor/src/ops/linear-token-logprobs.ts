import { tf } from '../tf.js';
import { TokenLogprobs, type TokenLogprobsAttrs, TokenLogprobsGrad } from '../kernel-names.js';
import {
  checkLinearArgs,
  customGradHW,
  linearChunksBackward,
  mapLogitsChunks,
  type LogitsChunk,
  type WantedGrads,
} from './linear-chunks.js';
import { resolveIgnoreIndex } from './logits-labels.js';
import type { TokenLogprobsOptions } from './token-logprobs.js';

export interface LinearTokenLogprobsOptions extends TokenLogprobsOptions {
  /**
   * Token rows per chunk. Default: logitsChunkElements() / vocab, i.e. 2^24 elements (64 MiB of float32
   * logits) unless the backend set its own (setLogitsChunkElements; cuda: 2^27).
   */
  chunkSize?: number;
}

/**
 * tokenLogprobs(hidden @ weight^T, labels) without the [N, V] logits: `hidden` float32 [N, H], `weight`
 * float32 [V, H] (HF lm_head layout), `labels` int32 [N] -> float32 [N] (0 where ignored). Logits are
 * computed, and recomputed in the backward, one chunk of tokens at a time. Differentiable in hidden
 * and weight; the tape saves hidden, weight and labels. Under valueAndGrads a gradient the backward does
 * not want (a frozen lm_head) is not computed.
 */
export function linearTokenLogprobs(
  hidden: tf.Tensor,
  weight: tf.Tensor,
  labels: tf.Tensor,
  opts: LinearTokenLogprobsOptions = {},
): tf.Tensor1D {
  const op = 'linearTokenLogprobs';
  const chunkSize = checkLinearArgs(op, hidden, weight, labels, opts.chunkSize);
  const attrs: TokenLogprobsAttrs = { ignoreIndex: resolveIgnoreIndex(op, opts.ignoreIndex) };
  const chunkLogprobs = (c: LogitsChunk): tf.Tensor1D =>
    tf.engine().runKernel(TokenLogprobs, { logits: c.logits, labels: c.labels }, attrs) as tf.Tensor1D;
  const chunkGrad =
    (dy: tf.Tensor1D) =>
    (c: LogitsChunk): tf.Tensor2D => {
      const inputs = { logits: c.logits, labels: c.labels, dy: tf.slice(dy, c.start, c.size) };
      return tf.engine().runKernel(TokenLogprobsGrad, inputs, attrs) as tf.Tensor2D;
    };
  const run = customGradHW<tf.Tensor1D>((h, w, save) => {
    save([h, w, labels]);
    const parts = mapLogitsChunks(h, w, labels as tf.Tensor1D, chunkSize, chunkLogprobs);
    const value = (parts.length === 1 ? parts[0]! : tf.concat(parts)) as tf.Tensor1D;
    const gradFunc = (dy: tf.Tensor1D, saved: tf.Tensor[], wanted: WantedGrads) => {
      const [hs, ws, ls] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
      return linearChunksBackward(hs, ws, ls, chunkSize, chunkGrad(dy), wanted);
    };
    return { value, gradFunc };
  });
  return run(hidden, weight);
}
