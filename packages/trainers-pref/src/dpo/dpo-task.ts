import { tf } from '@medgpt/core-tensor';
import type { CausalLM } from '@medgpt/models';
import type { MetricsMode } from '@medgpt/trainer';
import { dpoLoss, dpoRewards, type DpoLossType } from '../losses/dpo-loss.js';
import { sequenceLogps } from '../logps/sequence-logps.js';
import {
  PairTask,
  pairTotals,
  splitPairs,
  type PairBatch,
  type PairLosses,
  type PairTaskOptions,
} from '../pairwise/pair-task.js';
import type { ReferenceModel } from '../reference/reference-model.js';
import { PREFERENCE_METRICS, recordPreferenceMetrics } from '../pairwise/preference-metrics.js';

export interface DpoTaskOptions extends PairTaskOptions {
  model: CausalLM;
  /** Used when a batch carries no precomputed reference log-probs. */
  reference: ReferenceModel | null;
  beta: number;
  /** The loss types and their weights (one, usually). */
  losses: readonly { type: DpoLossType; weight: number }[];
  labelSmoothing: number;
  discopopTau: number;
}

/**
 * DPO's training task: the policy's summed completion log-probs of both answers in one forward
 * (TRL's concatenated forward), the reference's (precomputed, or from the reference model off the
 * tape), the weighted sum of the chosen loss types per pair, and TRL's metrics.
 */
export class DpoTask extends PairTask {
  constructor(private readonly d: DpoTaskOptions) {
    super(d, PREFERENCE_METRICS);
  }

  protected pairLosses(batch: PairBatch, mode: MetricsMode): PairLosses {
    const P = batch.pairs;
    const policy = sequenceLogps(this.d.model, batch.tokens, { meanLogits: true, routerAux: this.routerAux });
    const [chosen, rejected] = splitPairs(policy.sum, P);
    const [refChosen, refRejected] = this.referenceLogps(batch);
    const lengths = policy.lengths;
    const inputs = {
      chosen,
      rejected,
      refChosen,
      refRejected,
      chosenTokens: tf.tensor1d(lengths.subarray(0, P)),
      rejectedTokens: tf.tensor1d(lengths.subarray(P, 2 * P)),
    };
    const options = {
      beta: this.d.beta,
      labelSmoothing: this.d.labelSmoothing,
      discopopTau: this.d.discopopTau,
    };
    const terms = this.d.losses.map(({ type, weight }) => tf.mul(dpoLoss(type, inputs, options), weight));
    const losses = (terms.length === 1 ? terms[0]! : tf.addN(terms)) as tf.Tensor1D;
    const rewards = dpoRewards(inputs, this.d.beta);
    recordPreferenceMetrics(this.metrics, mode, {
      rewards,
      logps: { chosen, rejected },
      logitSums: policy.logitSums!,
      tokens: pairTotals(lengths, P),
      pairs: P,
    });
    return { losses, auxLoss: policy.auxLoss };
  }

  /** Precomputed on the rows, or one reference forward off the tape. */
  private referenceLogps(batch: PairBatch): [tf.Tensor1D, tf.Tensor1D] {
    if (batch.refChosen && batch.refRejected) {
      return [tf.tensor1d(batch.refChosen), tf.tensor1d(batch.refRejected)];
    }
    if (!this.d.reference) {
      throw new Error(
        'DPO: the batch has no precomputed reference log-probs and there is no reference model',
      );
    }
    return splitPairs(this.d.reference.logps(batch.tokens), batch.pairs);
  }
}
