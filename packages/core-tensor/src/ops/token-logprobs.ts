import { tf } from '../tf.js';
import { TokenLogprobs, type TokenLogprobsAttrs } from '../kernel-names.js';
import { checkLogitsLabels, resolveIgnoreIndex } from './logits-labels.js';

export interface TokenLogprobsOptions {
  /** Label of rows that do not count; their log-prob is 0. Default -100. */
  ignoreIndex?: number;
}

/**
 * Log-probability of each row's label: `logits` float32 [N, V], `labels` int32 [N] -> float32 [N] with
 * log softmax(logits[i])[labels[i]], and 0 where the label is ignoreIndex. This is the per-token
 * quantity DPO, PPO and GRPO sum or compare. Differentiable in logits: row i of dlogits is
 * dy_i * (onehot(label_i) - softmax(logits[i])). No [N, V] temporary in the forward.
 */
export function tokenLogprobs(
  logits: tf.Tensor,
  labels: tf.Tensor,
  opts: TokenLogprobsOptions = {},
): tf.Tensor1D {
  checkLogitsLabels('tokenLogprobs', logits, labels);
  const attrs: TokenLogprobsAttrs = { ignoreIndex: resolveIgnoreIndex('tokenLogprobs', opts.ignoreIndex) };
  return tf.engine().runKernel(TokenLogprobs, { logits, labels }, attrs) as tf.Tensor1D;
}
