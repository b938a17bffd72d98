import { tf } from '@medgpt/core-tensor';
import type { MoeConfig } from '../../config/moe-config.js';

/** Where each token goes and with what weight. Slot `n * k + j` is token n's j-th choice (best first). */
export interface Routing {
  /** softmax of the router logits in float32, [tokens, experts]: what the load-balancing loss reads. */
  probs: tf.Tensor2D;
  /** The chosen expert of each slot (host, [tokens * k]). */
  experts: Int32Array;
  /** Each slot's routing weight, [tokens * k], differentiable w.r.t. the router. */
  weights: tf.Tensor1D;
}

/**
 * transformers' top-k router on `logits` [tokens, experts]: softmax in float32, the k most probable
 * experts, and their probabilities as weights, divided by their sum when `normTopkProb` (Mixtral always,
 * which equals its softmax over the chosen logits; Qwen3-MoE with norm_topk_prob). The choice is read
 * to the host (the grouping is host work on cpu/wasm); the weights are gathered from the probabilities
 * so the router gets their gradient, as torch's topk values give it.
 */
export function routeTokens(logits: tf.Tensor2D, moe: MoeConfig): Routing {
  const [tokens, numExperts] = logits.shape;
  const k = moe.numExpertsPerTok;
  const probs = tf.softmax(logits);
  const top = tf.topk(probs, k);
  const experts = Int32Array.from(top.indices.dataSync());
  tf.dispose([top.indices, top.values]);
  const flat = new Int32Array(tokens * k);
  for (let s = 0; s < flat.length; s++) flat[s] = Math.floor(s / k) * numExperts + experts[s]!;
  const chosen = tf.gather(tf.reshape(probs, [-1]), tf.tensor1d(flat, 'int32')) as tf.Tensor1D;
  if (!moe.normTopkProb) return { probs, experts, weights: chosen };
  const perToken = tf.reshape(chosen, [tokens, k]);
  const weights = tf.reshape(tf.div(perToken, tf.sum(perToken, 1, true)), [-1]) as tf.Tensor1D;
  return { probs, experts, weights };
}
