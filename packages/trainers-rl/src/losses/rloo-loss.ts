// RLOO's policy loss (Ahmadian et al. 2024, arXiv:2402.14740) as TRL's RLOOTrainer computes it: one
// importance ratio per completion from its summed log-probs, PPO's clipped surrogate per sequence.
import { stopGradient, tf } from '@medgpt/core-tensor';
import { checkTensor, checkTokenMatrix } from './check-tensor.js';
import { clipRatioMetrics, type ClipRatioMetrics } from './clip-ratio-metrics.js';

export interface RlooLossInput {
  /** Per-token log-probs of the completion tokens under the policy being trained, float32 [B, T]. */
  logps: tf.Tensor2D;
  /** The same under the sampling policy, [B, T]; null (or absent) when it is the current one (ratio 1). */
  oldLogps?: tf.Tensor2D | null;
  /** One advantage per completion, float32 [B] (leaveOneOutAdvantages). */
  advantages: tf.Tensor1D;
  /** 1 for the completion tokens that count, 0 for padding; float32 [B, T]. */
  mask: tf.Tensor2D;
}

export interface RlooLossOptions {
  /** ε: the ratio is clipped to [1 − ε, 1 + ε_high] (default 0.2, TRL's). */
  epsilon?: number;
  /** Defaults to ε. */
  epsilonHigh?: number;
}

export interface RlooLoss {
  /** Mean over the micro-batch's completions; the loop averages micro-batches (items 1). */
  loss: tf.Scalar;
  items: number;
  /** Fractions of completions clipped, as scalar tensors off the tape (the caller disposes them). */
  metrics: ClipRatioMetrics;
}

const OP = 'rlooLoss';

/**
 * RLOO's loss on a micro-batch: with s = Σ_t lp·M and s_old likewise (stopGradient(s) when oldLogps is
 * null), ratio = exp(s − s_old) and loss = mean over rows of −min(ratio·A, clip(ratio, 1 − ε, 1 + ε_high)·A).
 */
export function rlooLoss(input: RlooLossInput, options: RlooLossOptions = {}): RlooLoss {
  const epsilon = options.epsilon ?? 0.2;
  const epsilonHigh = options.epsilonHigh ?? epsilon;
  for (const [key, value] of [
    ['epsilon', epsilon],
    ['epsilonHigh', epsilonHigh],
  ] as const) {
    if (!(value >= 0 && Number.isFinite(value))) throw new Error(`${OP}: ${key} must be >= 0, got ${value}`);
  }
  checkInput(input);
  const { loss, metrics } = tf.tidy(() => {
    const sequence = tf.sum(tf.mul(input.logps, input.mask), 1);
    const old = input.oldLogps ? tf.sum(tf.mul(input.oldLogps, input.mask), 1) : stopGradient(sequence);
    const ratio = tf.exp(tf.sub(sequence, old));
    const clipped = tf.clipByValue(ratio, 1 - epsilon, 1 + epsilonHigh);
    const a = input.advantages;
    const perSequence = tf.neg(tf.minimum(tf.mul(ratio, a), tf.mul(clipped, a)));
    const mean = (x: tf.Tensor) => tf.mean(x) as tf.Scalar;
    return {
      loss: mean(perSequence),
      metrics: clipRatioMetrics(ratio, a, epsilon, epsilonHigh, mean),
    };
  });
  return { loss, items: 1, metrics };
}

function checkInput(input: RlooLossInput): void {
  const [rows, tokens] = checkTokenMatrix(OP, 'logps', input.logps);
  checkTensor(OP, 'mask', input.mask, [rows, tokens], "logps's [B, T]");
  checkTensor(OP, 'advantages', input.advantages, [rows], 'one per row of logps');
  if (input.oldLogps != null) checkTensor(OP, 'oldLogps', input.oldLogps, [rows, tokens], "logps's [B, T]");
}
