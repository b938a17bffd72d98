import { tf } from '@medgpt/core-tensor';
import type { CausalLM } from '@medgpt/models';
import type { MetricsMode } from '@medgpt/trainer';
import { cpoLoss, cpoUsesMeanLogps, type CpoLossType } from '../losses/cpo-loss.js';
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

export const CPO_METRICS = [...PREFERENCE_METRICS, 'nll_loss'] as const;

export interface CpoTaskOptions extends PairTaskOptions {
  model: CausalLM;
  lossType: CpoLossType;
  beta: number;
  simpoGamma: number;
  cpoAlpha: number;
  labelSmoothing: number;
}

/**
 * CPO / SimPO (TRL's CPOTrainer): reference-free; the policy's log-probs of both answers (per-token
 * means for ipo and simpo, sums otherwise) give the per-pair loss, plus cpo_alpha times the chosen
 * answers' NLL, a token mean over the batch's chosen completions. Rewards are β·log-prob.
 */
export class CpoTask extends PairTask {
  constructor(private readonly d: CpoTaskOptions) {
    super(d, CPO_METRICS);
  }

  protected pairLosses(batch: PairBatch, mode: MetricsMode): PairLosses {
    const P = batch.pairs;
    const policy = sequenceLogps(this.d.model, batch.tokens, { meanLogits: true, routerAux: this.routerAux });
    const lengths = policy.lengths;
    const [chosenSum, rejectedSum] = splitPairs(policy.sum, P);
    const mean = cpoUsesMeanLogps(this.d.lossType);
    const chosen = mean ? perTokenMean(chosenSum, lengths.subarray(0, P)) : chosenSum;
    const rejected = mean ? perTokenMean(rejectedSum, lengths.subarray(P, 2 * P)) : rejectedSum;
    const losses = cpoLoss(this.d.lossType, chosen, rejected, {
      beta: this.d.beta,
      labelSmoothing: this.d.labelSmoothing,
      simpoGamma: this.d.simpoGamma,
    });
    const tokens = pairTotals(lengths, P);
    const nll = tf.div(tf.neg(tf.sum(chosenSum)), Math.max(tokens[0], 1)) as tf.Scalar;
    recordPreferenceMetrics(this.metrics, mode, {
      rewards: { chosen: tf.mul(chosen, this.d.beta), rejected: tf.mul(rejected, this.d.beta) },
      logps: { chosen, rejected },
      logitSums: policy.logitSums!,
      tokens,
      pairs: P,
    });
    this.metrics.record(mode, { nll_loss: nll });
    return this.d.cpoAlpha === 0
      ? { losses, auxLoss: policy.auxLoss }
      : { losses, batchMean: tf.mul(nll, this.d.cpoAlpha) as tf.Scalar, auxLoss: policy.auxLoss };
  }
}
