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
  // exp(logSoftmax) rather than softmax: the cuda backend has no Softmax kernel, and these composite ops
  // run (and differentiate) on every backend.
  const probs = tf.exp(tf.logSoftmax(logits));
  // The choice is read back anyway (to group the tokens), so it is made on the host from the
  // probabilities: no TopK kernel is needed on any backend.
  const experts = topKRows(probs.dataSync() as Float32Array, tokens, numExperts, k);
  const flat = new Int32Array(tokens * k);
  for (let s = 0; s < flat.length; s++) flat[s] = Math.floor(s / k) * numExperts + experts[s]!;
  const chosen = tf.gather(tf.reshape(probs, [-1]), tf.tensor1d(flat, 'int32')) as tf.Tensor1D;
  if (!moe.normTopkProb) return { probs, experts, weights: chosen };
  const perToken = tf.reshape(chosen, [tokens, k]);
  const weights = tf.reshape(tf.div(perToken, tf.sum(perToken, 1, true)), [-1]) as tf.Tensor1D;
  return { probs, experts, weights };
}

/** Per row of a [rows, cols] matrix, the indices of its k largest values, largest first (ties: lower index). */
export function topKRows(values: Float32Array, rows: number, cols: number, k: number): Int32Array {
  const out = new Int32Array(rows * k);
  const order = new Array<number>(cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) order[c] = c;
    const row = values.subarray(r * cols, (r + 1) * cols);
    order.sort((a, b) => row[b]! - row[a]! || a - b);
    for (let j = 0; j < k; j++) out[r * k + j] = order[j]!;
  }
  return out;
}
