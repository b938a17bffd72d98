import type { LogEntry, TrainerState } from './trainer-state.js';
import type { TrainingArguments } from './training-arguments.js';

/** Flags a callback can set to steer the loop, as transformers' TrainerControl. */
export interface TrainerControl {
  /** Stop after this step (a final checkpoint is saved when saving is on). */
  shouldTrainingStop: boolean;
  /** Save a checkpoint after this step. */
  shouldSave: boolean;
  /** Evaluate after this step. */
  shouldEvaluate: boolean;
  /** Log after this step. */
  shouldLog: boolean;
}

/** What every callback receives: the arguments, the live state and the control flags. */
export interface CallbackContext {
  readonly args: TrainingArguments;
  readonly state: TrainerState;
  readonly control: TrainerControl;
}

/**
 * Custom code at the loop's points, as transformers' TrainerCallback (each hook optional, sync or
 * async). Set flags on `context.control` to stop, save, evaluate or log.
 */
export interface TrainerCallback {
  onTrainBegin?(context: CallbackContext): void | Promise<void>;
  /** After each optimizer step, before logging, evaluation and saving are decided. */
  onStepEnd?(context: CallbackContext): void | Promise<void>;
  /** After a log entry (training or evaluation) was recorded. */
  onLog?(context: CallbackContext, entry: LogEntry): void | Promise<void>;
  onEvaluate?(context: CallbackContext, metrics: Record<string, number>): void | Promise<void>;
  /** After checkpoint `dir` was written (complete and renamed into place). */
  onSave?(context: CallbackContext, dir: string): void | Promise<void>;
  onTrainEnd?(context: CallbackContext): void | Promise<void>;
}
