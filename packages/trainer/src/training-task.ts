import type { Generator, tf } from '@medgpt/core-tensor';
import type { MetricsMode } from './logging/task-metrics.js';

/** What a loss computation is for, and the randomness it may draw (dropout, NEFTune noise). */
export interface LossContext {
  /** True in training steps, false in evaluation (no dropout, no noise). */
  training: boolean;
  /** The trainer's seeded stream; drawing from it is saved and restored with checkpoints. */
  generator: Generator;
  /**
   * Training: the step's num_items_in_batch (at least 1), which the loop divides every micro-batch's
   * summed loss by. A term transformers adds per micro-batch rather than per item (a mixture of experts'
   * load-balancing loss) enters the summed loss multiplied by it. Unset in evaluation.
   */
  stepLossItems?: number;
}

/**
 * What the generic loop needs from a stage (PT, SFT, DPO ...): the trainable variables, batching,
 * the summed token loss, and how to save and restore the weights it trains. `E` is one dataset
 * example, `B` a collated micro-batch.
 */
export interface TrainingTask<E, B> {
  /** The variables AdamW updates, named by their HF parameter names (biases and norms get no decay). */
  readonly parameters: readonly TrainableVariable[];
  /** Builds a micro-batch from examples (padding, tensors are made later inside the loss). */
  collate(examples: readonly E[]): B;
  /**
   * transformers' num_items_in_batch for this micro-batch: the targets that carry loss (for a causal
   * LM, labels != -100 after the shift, i.e. not counting each row's first label), as transformers
   * 5's Trainer.get_batch_samples counts them. The loop divides the summed loss of every micro-batch
   * of an optimizer step by the total, so the step's loss is a token mean over all of them.
   */
  lossItems(batch: B): number;
  /** Real (non-padding) tokens, for tokens/s. */
  tokens(batch: B): number;
  /** The batch's token loss: summed (training) or averaged over its counted tokens (evaluation). */
  loss(batch: B, reduction: 'sum' | 'mean', context: LossContext): tf.Scalar;
  /** Writes what is trained (a full model dir, or an adapter) into `dir`, for checkpoints. */
  saveWeights(dir: string): Promise<void>;
  /** Reads back what saveWeights wrote into the trained variables (resume). */
  loadWeights(dir: string): Promise<void>;
  /**
   * Randomness the task draws from besides the loop's generator (e.g. LoRA dropout's own stream):
   * saved in rng_state.json and restored on resume, so a resumed run draws the same numbers.
   */
  randomState?(): unknown;
  setRandomState?(state: unknown): void;
  /**
   * The task's own metrics (DPO's rewards/margins ...) over its loss calls of one mode since the last
   * take, each the mean over those calls as TRL logs them (see TaskMetrics). The loop takes 'train' at
   * every training log and 'eval' after each evaluation, which logs them with an `eval_` prefix.
   */
  takeMetrics?(mode: MetricsMode): Record<string, number>;
  /** Called once before the first step, e.g. to turn on activation checkpointing. */
  onTrainBegin?(): void | Promise<void>;
  /**
   * Turns the collated micro-batches of one optimizer step into what `loss` reads, before any gradient
   * is taken: an RL stage generates its rollouts here (sampling, rewards, reference log-probs), outside
   * the tape and asynchronously. Default: the batches as collated.
   */
  prepare?(batches: readonly B[], context: PrepareContext): Promise<B[]>;
}

/** What `prepare` knows about the step it prepares. */
export interface PrepareContext {
  /** The trainer's seeded stream (saved and restored with checkpoints). */
  generator: Generator;
  /** Optimizer steps completed before this one. */
  step: number;
}

/** A trainable tf.Variable (its name is the parameter's HF name). */
export type TrainableVariable = tf.Variable;
