import { expertRouting, stopGradient, tf } from '@medgpt/core-tensor';
import type { MoeConfig } from '../../config/moe-config.js';

/**
 * Where each token goes and with what weight, with the slots grouped by expert. Slot `n * k + j` is
 * token n's j-th choice (best first). Every field is a tensor: nothing is read back to the host.
 */
export interface Routing {
  /** softmax of the router logits in float32, [tokens, experts]: what the load-balancing loss reads. */
  probs: tf.Tensor2D;
  /** int32 [tokens * k]: the chosen expert of each slot. */
  experts: tf.Tensor1D;
  /** Each slot's routing weight, [tokens * k], differentiable w.r.t. the router. */
  weights: tf.Tensor1D;
  /** int32 [experts]: slots per expert (the groups of groupedMatMul). */
  groupSizes: tf.Tensor1D;
  /** int32 [tokens * k]: the slots sorted by expert (counting sort, slot order within) -> their token. */
  tokenOfPosition: tf.Tensor1D;
  /** int32 [tokens * k]: slot -> its position in that order. */
  positionOfSlot: tf.Tensor1D;
}

/**
 * transformers' top-k router on `logits` [tokens, experts]: softmax in float32, the k most probable
 * experts (ties: the lower index), and their probabilities as weights, divided by their sum when
 * `normTopkProb` (Mixtral always, which equals its softmax over the chosen logits; Qwen3-MoE with
 * norm_topk_prob). The choice and the grouping by expert are one kernel (core-tensor's expertRouting)
 * on constant probabilities; the weights are gathered from the probabilities so the router gets their
 * gradient, as torch's topk values give it.
 */
export function routeTokens(logits: tf.Tensor2D, moe: MoeConfig): Routing {
  const [tokens, numExperts] = logits.shape;
  const k = moe.numExpertsPerTok;
  // exp(logSoftmax) rather than softmax: the cuda backend has no Softmax kernel, and these composite ops
  // run (and differentiate) on every backend.
  const probs = tf.exp(tf.logSoftmax(logits));
  const r = expertRouting(stopGradient(probs), k);
  // Slot s reads probs[floor(s / k), experts[s]] of the flattened probabilities.
  const rowStart = tf.tensor1d(
    Int32Array.from({ length: tokens * k }, (_, s) => Math.floor(s / k) * numExperts),
    'int32',
  );
  const chosen = tf.gather(tf.reshape(probs, [-1]), tf.add(rowStart, r.experts)) as tf.Tensor1D;
  const weights = moe.normTopkProb
    ? (tf.reshape(
        tf.div(tf.reshape(chosen, [tokens, k]), tf.sum(tf.reshape(chosen, [tokens, k]), 1, true)),
        [-1],
      ) as tf.Tensor1D)
    : chosen;
  return { probs, weights, ...r };
}
