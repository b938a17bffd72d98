import type { tf } from '@medgpt/core-tensor';
import type { LossContext, TrainingTask } from '../training-task.js';
import type { TrainableWeights } from './trainable-weights.js';

export interface WeightsTaskOptions {
  /** What the stage trains (every weight, or LoRA adapters). */
  weights: TrainableWeights;
  /** Written into every checkpoint next to the weights (the tokenizer files). */
  saveExtras?: (dir: string) => Promise<void>;
}

/**
 * What every stage's training task does with its TrainableWeights: expose their variables, save and
 * restore them (and their randomness) with checkpoints. A task adds its batching and its loss.
 */
export abstract class WeightsTask<E, B> implements TrainingTask<E, B> {
  protected constructor(private readonly stage: WeightsTaskOptions) {}

  get parameters(): tf.Variable[] {
    return this.stage.weights.parameters;
  }

  randomState(): unknown {
    return this.stage.weights.randomState?.();
  }

  setRandomState(state: unknown): void {
    this.stage.weights.setRandomState?.(state);
  }

  async saveWeights(dir: string): Promise<void> {
    await this.stage.weights.save(dir);
    await this.stage.saveExtras?.(dir);
  }

  async loadWeights(dir: string): Promise<void> {
    await this.stage.weights.load(dir);
  }

  /** Training mode (LoRA dropout) for training steps, evaluation mode otherwise. */
  protected setTraining(context: LossContext): void {
    this.stage.weights.setTraining(context.training);
  }

  abstract collate(examples: readonly E[]): B;
  abstract lossItems(batch: B): number;
  abstract tokens(batch: B): number;
  abstract loss(batch: B, reduction: 'sum' | 'mean', context: LossContext): tf.Scalar;
}
