import { getWarmupSteps } from '@medgpt/core-tensor';
import type { TrainingArguments } from './training-arguments.js';

/** How long a run is and when it logs, evaluates and saves, in optimizer steps. */
export interface TrainingPlan {
  /** Micro-batches per epoch (the dataloader's length). */
  batchesPerEpoch: number;
  /** Optimizer steps per epoch: the last one of an epoch takes the leftover micro-batches. */
  updatesPerEpoch: number;
  /** Total optimizer steps. */
  maxSteps: number;
  /** Epochs started (ceil), as HF reports num_train_epochs. */
  numTrainEpochs: number;
  warmupSteps: number;
  /** Absolute intervals (ratios resolved against maxSteps); 0 = never. */
  loggingSteps: number;
  evalSteps: number;
  saveSteps: number;
}

/**
 * transformers' Trainer.set_initial_training_values and TrainerState.compute_steps: max_steps wins
 * over num_train_epochs; otherwise ceil(epochs * updates per epoch), where an epoch of n micro-batches
 * makes ceil(n / gradient_accumulation_steps) optimizer steps.
 */
export function planTraining(args: TrainingArguments, batchesPerEpoch: number): TrainingPlan {
  if (!(Number.isSafeInteger(batchesPerEpoch) && batchesPerEpoch >= 1)) {
    throw new RangeError(`planTraining: an epoch has ${batchesPerEpoch} micro-batches; expected at least 1`);
  }
  const ga = args.gradient_accumulation_steps;
  const updatesPerEpoch = Math.max(Math.floor(batchesPerEpoch / ga) + (batchesPerEpoch % ga > 0 ? 1 : 0), 1);
  const maxSteps = args.max_steps > 0 ? args.max_steps : Math.ceil(args.num_train_epochs * updatesPerEpoch);
  const numTrainEpochs =
    args.max_steps > 0 ? Math.ceil(maxSteps / updatesPerEpoch) : Math.ceil(args.num_train_epochs);
  const absolute = (value: number): number => (value < 1 ? Math.ceil(maxSteps * value) : value);
  const loggingSteps = absolute(args.logging_steps);
  return {
    batchesPerEpoch,
    updatesPerEpoch,
    maxSteps,
    numTrainEpochs,
    warmupSteps: getWarmupSteps(maxSteps, { warmupSteps: args.warmup_steps, warmupRatio: args.warmup_ratio }),
    loggingSteps,
    evalSteps: args.eval_steps === null ? loggingSteps : absolute(args.eval_steps),
    saveSteps: absolute(args.save_steps),
  };
}
