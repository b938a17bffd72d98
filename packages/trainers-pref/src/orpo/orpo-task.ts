import { tf } from '@medgpt/core-tensor';
import type { CausalLM } from '@medgpt/models';
import type { MetricsMode } from '@medgpt/trainer';
import { oddsRatio } from '../losses/orpo-loss.js';
import { perTokenMean, sequenceLogps } from '../logps/sequence-logps.js';
import {
  PairTask,
  pairTotals,
  splitPairs,
  type PairBatch,
  type PairLosses,
  type PairTaskOptions,
} from '../pairwise/pair-task.js';
import { PREFERENCE_METRICS, recordPreferenceMetrics } from '../pairwise/preference-metrics.js';

export const ORPO_METRICS = [...PREFERENCE_METRICS, 'nll_loss', 'log_odds_ratio', 'log_odds_chosen'] as const;

export interface OrpoTaskOptions extends PairTaskOptions {
  model: CausalLM;
  /** λ (--orpo_beta). */
  lambda: number;
}

/**
 * ORPO's task (TRL's ORPOTrainer): per-token mean log-probs of both answers in one forward, the
 * odds-ratio term -λ·logσ(log_odds) per pair, plus the chosen rows' NLL as a token mean over the
 * batch. As TRL computes it, that NLL runs over prompt and answer (every real token of the chosen
 * rows but the first). Rewards are λ·mean log-prob.
 */
export class OrpoTask extends PairTask {
  constructor(private readonly d: OrpoTaskOptions) {
    super(d, ORPO_METRICS);
  }

  protected pairLosses(batch: PairBatch, mode: MetricsMode): PairLosses {
    const P = batch.pairs;
    const policy = sequenceLogps(this.d.model, batch.tokens, {
      meanLogits: true,
      wholeSequence: true,
      routerAux: this.routerAux,
    });
    const lengths = policy.lengths;
    const [chosenSum, rejectedSum] = splitPairs(policy.sum, P);
    const chosen = perTokenMean(chosenSum, lengths.subarray(0, P));
    const rejected = perTokenMean(rejectedSum, lengths.subarray(P, 2 * P));
    const odds = oddsRatio(chosen, rejected, this.d.lambda);
    const [chosenWhole] = splitPairs(policy.wholeSum!, P);
    const [wholeTokens] = pairTotals(policy.wholeLengths!, P);
    const nll = tf.div(tf.neg(tf.sum(chosenWhole)), Math.max(wholeTokens, 1)) as tf.Scalar;
    recordPreferenceMetrics(this.metrics, mode, {
      rewards: { chosen: tf.mul(chosen, this.d.lambda), rejected: tf.mul(rejected, this.d.lambda) },
      logps: { chosen, rejected },
      logitSums: policy.logitSums!,
      tokens: pairTotals(lengths, P),
      pairs: P,
    });
    this.metrics.record(mode, {
      nll_loss: nll,
      log_odds_ratio: tf.mean(odds.logSigmoidOdds),
      log_odds_chosen: tf.mean(odds.logOdds),
    });
    return { losses: odds.losses, batchMean: nll, auxLoss: policy.auxLoss };
  }
}
