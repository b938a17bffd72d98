import { noGrad, tf } from '@medgpt/core-tensor';
import type { MetricsMode, TaskMetrics } from '@medgpt/trainer';

/** TRL's preference metrics (DPO, ORPO, CPO/SimPO), under its names. */
export const PREFERENCE_METRICS = [
  'rewards/chosen',
  'rewards/rejected',
  'rewards/accuracies',
  'rewards/margins',
  'logps/chosen',
  'logps/rejected',
  'logits/chosen',
  'logits/rejected',
] as const;

export interface PreferenceMetricInputs {
  /** Per pair: each answer's implicit reward (DPO: β·log-ratio; ORPO/CPO: β·log-prob). */
  rewards: { chosen: tf.Tensor1D; rejected: tf.Tensor1D };
  /** Per pair: each answer's log-prob as the loss scores it (summed, or per-token mean for ORPO/SimPO). */
  logps: { chosen: tf.Tensor1D; rejected: tf.Tensor1D };
  /** Per row [2P]: the vocabulary-mean logit summed over the completion (sequenceLogps' logitSums). */
  logitSums: tf.Tensor1D;
  /** Completion tokens of all chosen rows, of all rejected rows. */
  tokens: [number, number];
  pairs: number;
}

/**
 * Records TRL's metrics of one batch: rewards/chosen|rejected (means), rewards/accuracies (share of
 * pairs whose chosen reward is higher), rewards/margins, logps/chosen|rejected (means), and
 * logits/chosen|rejected (the mean logit over the vocabulary and the completion tokens).
 */
export function recordPreferenceMetrics(
  metrics: TaskMetrics,
  mode: MetricsMode,
  x: PreferenceMetricInputs,
): void {
  // Off the tape: metrics are read, never differentiated (and comparisons have no gradient).
  noGrad(() =>
    tf.tidy(() => {
      const { chosen, rejected } = x.rewards;
      const [chosenLogits, rejectedLogits] = [
        tf.slice(x.logitSums, 0, x.pairs),
        tf.slice(x.logitSums, x.pairs, x.pairs),
      ];
      metrics.record(mode, {
        'rewards/chosen': tf.mean(chosen),
        'rewards/rejected': tf.mean(rejected),
        'rewards/accuracies': tf.mean(tf.cast(tf.greater(chosen, rejected), 'float32')),
        'rewards/margins': tf.mean(tf.sub(chosen, rejected)),
        'logps/chosen': tf.mean(x.logps.chosen),
        'logps/rejected': tf.mean(x.logps.rejected),
        'logits/chosen': { sum: tf.sum(chosenLogits), count: x.tokens[0] },
        'logits/rejected': { sum: tf.sum(rejectedLogits), count: x.tokens[1] },
      });
    }),
  );
}
