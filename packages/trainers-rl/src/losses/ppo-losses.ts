// PPO's two losses (Schulman et al. 2017, arXiv:1707.06347) as TRL's PPOTrainer computes them per
// micro-batch: the clipped policy surrogate and the clipped value loss, both masked means over tokens.
import { noGrad, tf } from '@medgpt/core-tensor';
import { checkTensor, checkTokenMatrix } from './check-tensor.js';
import { maskedTokenMean } from './masked-token-mean.js';

export interface PpoPolicyLossInput {
  /** Per-token log-probs of the response tokens under the policy being trained, float32 [B, T]. */
  logps: tf.Tensor2D;
  /** The same at rollout time, [B, T]. */
  oldLogps: tf.Tensor2D;
  /** Per-token advantages [B, T] (gae, then maskedWhiten). */
  advantages: tf.Tensor2D;
  /** 1 for the response tokens, 0 for padding; float32 [B, T]. */
  mask: tf.Tensor2D;
}

/** TRL's PPO policy metrics of one micro-batch, scalar tensors off the tape (the caller disposes them). */
export type PpoPolicyMetrics = {
  /** Share of tokens where the clipped side of the surrogate was the larger (its gradient is 0). */
  'policy/clipfrac': tf.Scalar;
  /** ½·masked mean of (lp − old)²: how far the policy moved since the rollout. */
  'policy/approxkl': tf.Scalar;
};

export interface PpoLoss<M> {
  /** A masked token mean; the loop averages micro-batches (items 1), as accelerate's accumulation does. */
  loss: tf.Scalar;
  items: number;
  metrics: M;
}

/**
 * masked_mean(max(−A·ρ, −A·clip(ρ, 1 − c, 1 + c))) with ρ = exp(lp − old) and the masked mean
 * Σ x·M / Σ M (NaN on an empty mask, as TRL's). The caller owns loss and metrics.
 */
export function ppoPolicyLoss(
  input: PpoPolicyLossInput,
  options: { clipRange?: number } = {},
): PpoLoss<PpoPolicyMetrics> {
  const op = 'ppoPolicyLoss';
  const clipRange = checkClip(op, 'clipRange', options.clipRange ?? 0.2);
  const shape = checkTokenMatrix(op, 'logps', input.logps);
  for (const name of ['oldLogps', 'advantages', 'mask'] as const) {
    checkTensor(op, name, input[name], shape, "logps's [B, T]");
  }
  const { loss, metrics } = tf.tidy(() => {
    const { mask, advantages } = input;
    const logRatio = tf.sub(input.logps, input.oldLogps);
    const ratio = tf.exp(logRatio);
    const unclipped = tf.mul(tf.neg(advantages), ratio);
    const clipped = tf.mul(tf.neg(advantages), tf.clipByValue(ratio, 1 - clipRange, 1 + clipRange));
    const loss = maskedTokenMean(tf.maximum(unclipped, clipped), mask);
    const metrics: PpoPolicyMetrics = noGrad(() => ({
      'policy/clipfrac': maskedTokenMean(tf.cast(tf.greater(clipped, unclipped), 'float32'), mask),
      'policy/approxkl': tf.mul(maskedTokenMean(tf.square(logRatio), mask), 0.5) as tf.Scalar,
    }));
    return { loss, metrics };
  });
  return { loss, items: 1, metrics };
}

export interface PpoValueLossInput {
  /** The value head's predictions per token, float32 [B, T]. */
  values: tf.Tensor2D;
  /** Its predictions at rollout time, [B, T]. */
  oldValues: tf.Tensor2D;
  /** The targets, advantages + old values (gae's returns), [B, T]. */
  returns: tf.Tensor2D;
  /** 1 for the tokens whose value is trained, 0 for padding; float32 [B, T]. */
  mask: tf.Tensor2D;
}

/** TRL's PPO value metric: share of tokens where the clipped value's error was the larger. */
export type PpoValueMetrics = { 'val/clipfrac': tf.Scalar };

/**
 * ½·masked_mean(max((V − R)², (clip(V, V_old − c, V_old + c) − R)²)): the value may move at most c
 * from its rollout-time prediction before the clipped error takes over. The caller owns loss and metrics.
 */
export function ppoValueLoss(
  input: PpoValueLossInput,
  options: { clipRangeValue?: number } = {},
): PpoLoss<PpoValueMetrics> {
  const op = 'ppoValueLoss';
  const c = checkClip(op, 'clipRangeValue', options.clipRangeValue ?? 0.2);
  const shape = checkTokenMatrix(op, 'values', input.values);
  for (const name of ['oldValues', 'returns', 'mask'] as const) {
    checkTensor(op, name, input[name], shape, "values' [B, T]");
  }
  const { loss, metrics } = tf.tidy(() => {
    const { values, oldValues, returns, mask } = input;
    // clip with per-token bounds: tfjs's clipByValue takes scalars only.
    const clippedValues = tf.minimum(tf.maximum(values, tf.sub(oldValues, c)), tf.add(oldValues, c));
    const unclipped = tf.square(tf.sub(values, returns));
    const clipped = tf.square(tf.sub(clippedValues, returns));
    const loss = tf.mul(maskedTokenMean(tf.maximum(unclipped, clipped), mask), 0.5) as tf.Scalar;
    const metrics: PpoValueMetrics = noGrad(() => ({
      'val/clipfrac': maskedTokenMean(tf.cast(tf.greater(clipped, unclipped), 'float32'), mask),
    }));
    return { loss, metrics };
  });
  return { loss, items: 1, metrics };
}

function checkClip(op: string, name: string, value: number): number {
  if (!(value >= 0 && Number.isFinite(value))) throw new Error(`${op}: ${name} must be >= 0, got ${value}`);
  return value;
}
