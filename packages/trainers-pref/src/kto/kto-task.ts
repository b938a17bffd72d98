import { noGrad, tf } from '@medgpt/core-tensor';
import { collateUnpaired, type RecordSource, type UnpairedBatch, type UnpairedIds } from '@medgpt/data';
import type { CausalLM } from '@medgpt/models';
import {
  TaskMetrics,
  WeightsTask,
  type LossContext,
  type MetricsMode,
  type WeightsTaskOptions,
} from '@medgpt/trainer';
import { ktoKl, ktoLoss } from '../losses/kto-loss.js';
import { frozenLogps } from '../logps/frozen-logps.js';
import { sequenceLogps } from '../logps/sequence-logps.js';
import type { ReferenceModel } from '../reference/reference-model.js';

/** A tokenised KTO row: prompt, completion and whether the completion is desirable. */
export interface KtoRow extends UnpairedIds {
  readonly source?: RecordSource;
}

/** A micro-batch: the rows, and the mismatched rows of the KL estimate (prompt i, completion i - 1). */
export interface KtoBatch {
  readonly tokens: UnpairedBatch;
  readonly mismatched: UnpairedBatch;
  readonly desirable: boolean[];
}

/** TRL KTOTrainer's logged metrics (its *_sum / count pairs, divided out). */
export const KTO_METRICS = [
  'rewards/chosen',
  'rewards/rejected',
  'logps/chosen',
  'logps/rejected',
  'logits/chosen',
  'logits/rejected',
  'kl',
] as const;

export interface KtoTaskOptions extends WeightsTaskOptions {
  model: CausalLM;
  reference: ReferenceModel;
  padTokenId: number;
  maxLength?: number;
  truncationMode?: 'keep_start' | 'keep_end';
  beta: number;
  desirableWeight: number;
  undesirableWeight: number;
  /** A mixture of experts with output_router_logits: the load-balancing loss's weight (TRL adds it); null: none. */
  routerAuxLossCoef?: number | null;
}

/**
 * KTO's training task (TRL's KTOTrainer): each row's summed completion log-probs under the policy and
 * the reference, the batch's KL reference point from the mismatched rows (policy and reference, both
 * off the tape, clamped at 0), and the per-row desirable / undesirable loss; the step's loss is the
 * mean over its rows. Metrics are means over the window's desirable (chosen) or undesirable
 * (rejected) rows, as TRL divides its sums by its counts; rewards/margins is their difference.
 */
export class KtoTask extends WeightsTask<KtoRow, KtoBatch> {
  private readonly metrics: TaskMetrics;

  constructor(private readonly o: KtoTaskOptions) {
    super(o);
    this.metrics = new TaskMetrics(this.auxCoef === null ? KTO_METRICS : [...KTO_METRICS, 'aux_loss']);
  }

  private get auxCoef(): number | null {
    return this.o.routerAuxLossCoef ?? null;
  }

  collate(rows: readonly KtoRow[]): KtoBatch {
    const options = {
      padTokenId: this.o.padTokenId,
      maxLength: this.o.maxLength,
      truncationMode: this.o.truncationMode,
    };
    return {
      tokens: collateUnpaired(rows, options),
      mismatched: collateUnpaired(rows, { ...options, shiftCompletions: true }),
      desirable: rows.map((r) => r.label),
    };
  }

  lossItems(batch: KtoBatch): number {
    return batch.desirable.length;
  }

  tokens(batch: KtoBatch): number {
    let n = 0;
    for (const m of batch.tokens.attentionMask) n += m;
    return n;
  }

  loss(batch: KtoBatch, reduction: 'sum' | 'mean', context: LossContext): tf.Scalar {
    this.setTraining(context);
    return tf.tidy(() => {
      const coef = this.auxCoef;
      const policy = sequenceLogps(this.o.model, batch.tokens, {
        meanLogits: true,
        routerAux: coef !== null,
      });
      const reference = this.o.reference.logps(batch.tokens);
      const kl = this.klEstimate(batch.mismatched);
      const logratios = tf.sub(policy.sum, reference) as tf.Tensor1D;
      const losses = ktoLoss(logratios, batch.desirable, kl, {
        beta: this.o.beta,
        desirableWeight: this.o.desirableWeight,
        undesirableWeight: this.o.undesirableWeight,
      });
      this.record(context.training ? 'train' : 'eval', batch, policy, logratios, kl);
      let total = tf.sum(losses) as tf.Scalar;
      const rows = batch.desirable.length;
      if (coef !== null && policy.auxLoss) {
        // TRL: loss = losses.nanmean() + aux_loss_coef * aux_loss.
        this.metrics.record(context.training ? 'train' : 'eval', { aux_loss: policy.auxLoss });
        total = tf.add(total, tf.mul(policy.auxLoss, coef * rows));
      }
      return reduction === 'sum' ? total : tf.div(total, rows);
    });
  }

  takeMetrics(mode: MetricsMode): Record<string, number> {
    const m = this.metrics.take(mode);
    const [chosen, rejected] = [m['rewards/chosen'], m['rewards/rejected']];
    if (chosen !== undefined && rejected !== undefined) m['rewards/margins'] = chosen - rejected;
    return m;
  }

  /** z0 from the mismatched rows: the policy's log-probs are taken without a tape, as TRL does. */
  private klEstimate(mismatched: UnpairedBatch): tf.Scalar {
    const policy = frozenLogps(this.o.model, mismatched);
    return ktoKl(policy, this.o.reference.logps(mismatched));
  }

  /** Sums over the batch's desirable and undesirable rows, counted by rows (logits: by tokens). */
  private record(
    mode: MetricsMode,
    batch: KtoBatch,
    policy: ReturnType<typeof sequenceLogps>,
    logratios: tf.Tensor1D,
    kl: tf.Scalar,
  ): void {
    noGrad(() =>
      tf.tidy(() => {
        const rows = batch.desirable.length;
        const isChosen = tf.tensor1d(batch.desirable.map((d) => (d ? 1 : 0)));
        const isRejected = tf.sub(1, isChosen);
        const nChosen = batch.desirable.filter(Boolean).length;
        let chosenTokens = 0;
        let rejectedTokens = 0;
        batch.desirable.forEach((d, i) =>
          d ? (chosenTokens += policy.lengths[i]!) : (rejectedTokens += policy.lengths[i]!),
        );
        const sumOver = (x: tf.Tensor, mask: tf.Tensor) => tf.sum(tf.mul(x, mask));
        const rewards = tf.mul(logratios, this.o.beta);
        this.metrics.record(mode, {
          'rewards/chosen': { sum: sumOver(rewards, isChosen), count: nChosen },
          'rewards/rejected': { sum: sumOver(rewards, isRejected), count: rows - nChosen },
          'logps/chosen': { sum: sumOver(policy.sum, isChosen), count: nChosen },
          'logps/rejected': { sum: sumOver(policy.sum, isRejected), count: rows - nChosen },
          'logits/chosen': { sum: sumOver(policy.logitSums!, isChosen), count: chosenTokens },
          'logits/rejected': { sum: sumOver(policy.logitSums!, isRejected), count: rejectedTokens },
          kl,
        });
      }),
    );
  }

  dispose(): void {
    this.metrics.dispose();
  }
}
