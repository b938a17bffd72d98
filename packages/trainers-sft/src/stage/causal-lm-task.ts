import { tf } from '@medgpt/core-tensor';
import {
  collatePacked,
  collateSft,
  type LabeledSequence,
  type PackedSequence,
  type TokenBatch,
} from '@medgpt/data';
import type { CausalLM, CausalLMInputs } from '@medgpt/models';
import {
  TaskMetrics,
  WeightsTask,
  withEmbeddingHook,
  withShiftedSparseAttention,
  type LossContext,
  type MetricsMode,
  type ShiftedSparseAttention,
  type WeightsTaskOptions,
} from '@medgpt/trainer';
import { addNeftuneNoise, sequenceLengths, type NeftuneScale } from './neftune.js';

export interface CausalLmTaskOptions extends WeightsTaskOptions {
  model: CausalLM;
  /** Pads inputs (labels are padded with -100, the mask with 0). */
  padTokenId: number;
  /** MedicalGPT's SFT collator pads to a multiple of 4 (right padding). */
  padToMultipleOf?: number;
  /** Rows are packed samples (positions restart; segment ids keep attention inside each sample). */
  packed?: boolean;
  /** NEFTune noise on the input embeddings of training steps. */
  neftune?: { alpha: number; scale: NeftuneScale };
  /**
   * A mixture of experts' load-balancing loss weight (router_aux_loss_coef) when output_router_logits is
   * on; null or unset: the LM loss alone.
   */
  routerAuxLossCoef?: number | null;
  /** LongLoRA's S²-Attn in training steps (--shift_attn); evaluation attends in full. */
  shiftedSparseAttention?: ShiftedSparseAttention;
}

/**
 * Causal-LM training on token rows with labels (PT blocks, SFT samples, packed rows): right-padded
 * batches, transformers' shifted loss (-100 ignored), optionally NEFTune. The loss runs through the
 * model's fused chunked cross-entropy, never materialising [tokens, vocab] logits. With a mixture of
 * experts' load-balancing loss on, each micro-batch adds `router_aux_loss_coef * aux_loss` to the token
 * mean as transformers' MoE models and Trainer do (per micro-batch, so accumulated steps add it once per
 * micro-batch), and `aux_loss` is logged (`eval_aux_loss` in evaluation).
 */
export class CausalLmTask extends WeightsTask<LabeledSequence, TokenBatch> {
  private readonly metrics = new TaskMetrics(['aux_loss']);

  constructor(private readonly o: CausalLmTaskOptions) {
    super(o);
  }

  takeMetrics(mode: MetricsMode): Record<string, number> {
    return this.metrics.take(mode);
  }

  collate(rows: readonly LabeledSequence[]): TokenBatch {
    const options = { padTokenId: this.o.padTokenId, padToMultipleOf: this.o.padToMultipleOf };
    return this.o.packed ? collatePacked(rows as PackedSequence[], options) : collateSft(rows, options);
  }

  /**
   * HF's num_items_in_batch: the labels that are scored, i.e. != -100 after the causal shift (a row's
   * first label predicts nothing), as transformers 5's Trainer counts them (`labels[..., 1:]`).
   */
  lossItems(batch: TokenBatch): number {
    const { batchSize, seqLength, labels } = batch;
    let n = 0;
    for (let row = 0; row < batchSize; row++) {
      for (let t = row * seqLength + 1; t < (row + 1) * seqLength; t++) if (labels[t] !== -100) n += 1;
    }
    return n;
  }

  tokens(batch: TokenBatch): number {
    let n = 0;
    for (const m of batch.attentionMask) n += m;
    return n;
  }

  loss(batch: TokenBatch, reduction: 'sum' | 'mean', context: LossContext): tf.Scalar {
    this.setTraining(context);
    const run = () =>
      tf.tidy(() => {
        const shape: [number, number] = [batch.batchSize, batch.seqLength];
        const inputs: CausalLMInputs = {
          inputIds: tf.tensor2d(batch.inputIds, shape, 'int32'),
          attentionMask: tf.tensor2d(batch.attentionMask, shape, 'int32'),
          positionIds: tf.tensor2d(batch.positionIds, shape, 'int32'),
        };
        if (batch.segmentIds) inputs.segmentIds = tf.tensor2d(batch.segmentIds, shape, 'int32');
        const labels = tf.tensor2d(batch.labels, shape, 'int32');
        const coef = this.o.routerAuxLossCoef ?? null;
        if (coef === null) return this.o.model.loss(inputs, labels, { reduction });
        const { loss, auxLoss } = this.o.model.lossWithRouterAux(inputs, labels, { reduction });
        this.metrics.record(context.training ? 'train' : 'eval', { aux_loss: auxLoss });
        // The loop divides a summed loss by the step's items: the per-batch term is scaled up to match.
        const scale = reduction === 'sum' ? (context.stepLossItems ?? 1) : 1;
        return tf.add(loss, tf.mul(auxLoss, coef * scale)) as tf.Scalar;
      });
    const s2 = this.o.shiftedSparseAttention;
    const sparse = context.training && s2 ? () => withShiftedSparseAttention(this.o.model, s2, run) : run;
    const neftune = this.o.neftune;
    if (!context.training || !neftune || neftune.alpha === 0) return sparse();
    const noise = {
      alpha: neftune.alpha,
      scale: neftune.scale,
      lengths: sequenceLengths(batch),
      vocabSize: this.o.model.config.vocabSize,
      generator: context.generator,
    };
    return withEmbeddingHook(this.o.model, (_ids, embeddings) => addNeftuneNoise(embeddings, noise), sparse);
  }
}
