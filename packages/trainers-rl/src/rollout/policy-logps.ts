import { noGrad, tf } from '@medgpt/core-tensor';
import type { CausalLM } from '@medgpt/models';
import type { RolloutBatch } from './rollout-batch.js';

/** The batch's ids, attention mask and shifted labels as tensors (labels[t] = the token after t, or -100). */
export function rolloutInputs(batch: RolloutBatch): {
  inputIds: tf.Tensor2D;
  attentionMask: tf.Tensor2D;
  shifted: tf.Tensor1D;
} {
  const { rows, length, labels } = batch;
  const shifted = new Int32Array(rows * length).fill(-100);
  for (let b = 0; b < rows; b++)
    for (let t = 0; t + 1 < length; t++) shifted[b * length + t] = labels[b * length + t + 1]!;
  return {
    inputIds: tf.tensor2d(batch.ids, [rows, length], 'int32'),
    attentionMask: tf.tensor2d(batch.attention, [rows, length], 'int32'),
    shifted: tf.tensor1d(shifted, 'int32'),
  };
}

/**
 * Per-token log-probs of the batch's completion tokens under `model` at `temperature` (softmax of
 * logits / temperature, the distribution they were sampled from), [rows, length] aligned with
 * `batch.mask`, plus the temperature-scaled hidden states they came from (for the entropy), and with
 * `routerAux` the mixture of experts' load-balancing loss of the forward.
 * Differentiable in the model's trained weights.
 */
export function policyLogps(
  model: CausalLM,
  batch: RolloutBatch,
  temperature: number,
  routerAux = false,
): { logps: tf.Tensor2D; hidden: tf.Tensor2D; auxLoss?: tf.Scalar } {
  return tf.tidy(() => {
    const { inputIds, attentionMask, shifted } = rolloutInputs(batch);
    const inputs = { inputIds, attentionMask };
    const { hidden, auxLoss } = routerAux
      ? model.hiddenStatesWithRouterAux(inputs, 'policyLogps')
      : { hidden: model.hiddenStates(inputs), auxLoss: undefined };
    // logits / τ = (hidden / τ) W^T for a linear head (the entropy reads the scaled hidden states);
    // the model's head op also covers Gemma 2's soft-capped head.
    const scaled = (temperature === 1 ? hidden : tf.mul(hidden, 1 / temperature)) as tf.Tensor2D;
    const flat = model.headTokenLogprobs(hidden, shifted, { temperature });
    const logps = tf.reshape(flat, [batch.rows, batch.length]) as tf.Tensor2D;
    return auxLoss ? { logps, hidden: scaled, auxLoss } : { logps, hidden: scaled };
  });
}

/** policyLogps off the tape, read to the host (old-policy and reference log-probs). */
export function frozenLogps(model: CausalLM, batch: RolloutBatch, temperature: number): Float32Array {
  return noGrad(() => {
    const { logps, hidden } = policyLogps(model, batch, temperature);
    const values = logps.dataSync() as Float32Array;
    tf.dispose([logps, hidden]);
    return values;
  });
}
