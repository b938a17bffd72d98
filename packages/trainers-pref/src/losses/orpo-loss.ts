// ORPO (Hong et al. 2024, "ORPO: Monolithic Preference Optimization without Reference Model",
// arXiv:2403.07691): an odds-ratio penalty on top of the chosen answer's NLL, no reference model.
import { tf } from '@medgpt/core-tensor';
import { logSigmoid } from './log-sigmoid.js';
import { log1mexp } from './log1mexp.js';

export interface OddsRatio {
  /** Per pair [P]: -λ·logσ(log_odds), the odds-ratio term of the loss. */
  losses: tf.Tensor1D;
  /** Per pair: log(odds(chosen) / odds(rejected)), odds(y) = p / (1 - p) with p = exp(mean log-prob). */
  logOdds: tf.Tensor1D;
  /** Per pair: logσ(log_odds) (TRL logs its mean as `log_odds_ratio`). */
  logSigmoidOdds: tf.Tensor1D;
}

/**
 * ORPO's odds-ratio term from the **mean** per-token log-probs of each answer (TRL's
 * `average_log_prob=True`): log_odds = (c - r) - (log(1 - e^c) - log(1 - e^r)), term = -λ·logσ(log_odds).
 * The full loss adds the chosen NLL (the trainer's job, as it is a token mean over the batch).
 */
export function oddsRatio(chosenMean: tf.Tensor1D, rejectedMean: tf.Tensor1D, lambda: number): OddsRatio {
  return tf.tidy(() => {
    const logOdds = tf.sub(
      tf.sub(chosenMean, rejectedMean),
      tf.sub(log1mexp(chosenMean), log1mexp(rejectedMean)),
    ) as tf.Tensor1D;
    const logSigmoidOdds = logSigmoid(logOdds) as tf.Tensor1D;
    return { losses: tf.mul(logSigmoidOdds, -lambda) as tf.Tensor1D, logOdds, logSigmoidOdds };
  });
}
