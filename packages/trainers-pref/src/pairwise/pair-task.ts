import { tf } from '@medgpt/core-tensor';
import { collatePreference, type PreferenceBatch, type PreferenceIds, type RecordSource } from '@medgpt/data';
import {
  TaskMetrics,
  WeightsTask,
  type LossContext,
  type MetricsMode,
  type WeightsTaskOptions,
} from '@medgpt/trainer';

/** A tokenised preference pair, as the pairwise tasks train on it. */
export interface PairRow extends PreferenceIds {
  readonly source?: RecordSource;
  /** The reference model's summed log-probs of each answer, when precomputed (DPO). */
  refChosen?: number;
  refRejected?: number;
}

/** A micro-batch of pairs: TRL's [chosen rows; rejected rows] token batch, and the precomputed references. */
export interface PairBatch {
  readonly tokens: PreferenceBatch;
  readonly pairs: number;
  readonly refChosen?: Float32Array;
  readonly refRejected?: Float32Array;
}

/**
 * A pair loss: per-pair terms [P] whose mean is the preference loss, plus an optional term that is
 * already a mean over the batch (ORPO's and CPO's chosen NLL, a token mean as TRL takes it).
 */
export interface PairLosses {
  losses: tf.Tensor1D;
  batchMean?: tf.Scalar;
  /** A mixture of experts' load-balancing loss of the policy forward (with PairTaskOptions.routerAuxLossCoef). */
  auxLoss?: tf.Scalar;
}

export interface PairTaskOptions extends WeightsTaskOptions {
  padTokenId: number;
  /** TRL's max_length: prompt + answer are cut to it (see truncationMode); undefined: no cut. */
  maxLength?: number;
  truncationMode?: 'keep_start' | 'keep_end';
  /**
   * A mixture of experts trained with output_router_logits: the weight of the routers' load-balancing
   * loss, which TRL adds to every pair's loss (`losses + aux_loss_coef * aux_loss`); null/unset: none.
   */
  routerAuxLossCoef?: number | null;
}

/**
 * What DPO, ORPO, CPO/SimPO and the reward model share: batches of pairs, one optimizer item per pair
 * (the step's loss is the mean over its pairs, as TRL's per-batch mean divided by the accumulation
 * steps), the weights they train, and metrics logged with TRL's names. Subclasses give the loss.
 */
export abstract class PairTask extends WeightsTask<PairRow, PairBatch> {
  protected readonly metrics: TaskMetrics;

  protected constructor(
    protected readonly o: PairTaskOptions,
    metricNames: readonly string[],
  ) {
    super(o);
    const aux = (o.routerAuxLossCoef ?? null) !== null;
    this.metrics = new TaskMetrics(aux ? [...metricNames, 'aux_loss'] : metricNames);
  }

  collate(rows: readonly PairRow[]): PairBatch {
    const tokens = collatePreference(rows, {
      padTokenId: this.o.padTokenId,
      maxLength: this.o.maxLength,
      truncationMode: this.o.truncationMode,
    });
    const precomputed = rows.every((r) => r.refChosen !== undefined && r.refRejected !== undefined);
    return {
      tokens,
      pairs: rows.length,
      ...(precomputed
        ? {
            refChosen: Float32Array.from(rows, (r) => r.refChosen!),
            refRejected: Float32Array.from(rows, (r) => r.refRejected!),
          }
        : {}),
    };
  }

  lossItems(batch: PairBatch): number {
    return batch.pairs;
  }

  tokens(batch: PairBatch): number {
    let n = 0;
    for (const m of batch.tokens.attentionMask) n += m;
    return n;
  }

  loss(batch: PairBatch, reduction: 'sum' | 'mean', context: LossContext): tf.Scalar {
    this.setTraining(context);
    return tf.tidy(() => {
      const mode = context.training ? 'train' : 'eval';
      const { losses, batchMean, auxLoss } = this.pairLosses(batch, mode, context);
      let total: tf.Scalar = tf.sum(losses);
      if (batchMean) total = tf.add(total, tf.mul(batchMean, batch.pairs));
      const coef = this.o.routerAuxLossCoef ?? null;
      if (auxLoss && coef !== null) {
        this.metrics.record(mode, { aux_loss: auxLoss });
        total = tf.add(total, tf.mul(auxLoss, coef * batch.pairs));
      }
      return reduction === 'sum' ? total : tf.div(total, batch.pairs);
    });
  }

  takeMetrics(mode: MetricsMode): Record<string, number> {
    return this.metrics.take(mode);
  }

  /** Frees the metric sums (the weights are the stage's). */
  dispose(): void {
    this.metrics.dispose();
  }

  /** Whether pairLosses should return the policy forward's auxLoss (sequenceLogps' routerAux). */
  protected get routerAux(): boolean {
    return (this.o.routerAuxLossCoef ?? null) !== null;
  }

  /** The loss terms of a batch; records its metrics under `mode`. */
  protected abstract pairLosses(batch: PairBatch, mode: MetricsMode, context: LossContext): PairLosses;
}

/** The first `pairs` entries (chosen) and the rest (rejected) of a [2P] per-row vector. */
export function splitPairs(rows: tf.Tensor1D, pairs: number): [tf.Tensor1D, tf.Tensor1D] {
  return [tf.slice(rows, 0, pairs), tf.slice(rows, pairs, pairs)];
}

/** Sums of the first `pairs` and last `pairs` entries of a host array (completion token counts). */
export function pairTotals(values: ArrayLike<number>, pairs: number): [number, number] {
  let chosen = 0;
  let rejected = 0;
  for (let i = 0; i < pairs; i++) {
    chosen += values[i]!;
    rejected += values[pairs + i]!;
  }
  return [chosen, rejected];
}
