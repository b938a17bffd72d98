/** One entry of the log history: a training log, an evaluation, or the end-of-training summary. */
export interface LogEntry {
  step: number;
  epoch: number;
  [metric: string]: number;
}

/**
 * transformers' TrainerState, field for field as trainer_state.json holds it, so tools that read
 * HF checkpoints (and HF's own resume) find what they expect.
 */
export interface TrainerState {
  best_global_step: number | null;
  best_metric: number | null;
  best_model_checkpoint: string | null;
  /** Epochs done, fractional. */
  epoch: number;
  eval_steps: number;
  /** Optimizer steps done. */
  global_step: number;
  is_hyper_param_search: boolean;
  is_local_process_zero: boolean;
  is_world_process_zero: boolean;
  log_history: LogEntry[];
  logging_steps: number;
  max_steps: number;
  num_input_tokens_seen: number;
  num_train_epochs: number;
  save_steps: number;
  stateful_callbacks: Record<string, unknown>;
  total_flos: number;
  train_batch_size: number;
  trial_name: string | null;
  trial_params: Record<string, unknown> | null;
}

/** A fresh state for a run of `maxSteps` steps. */
export function initialTrainerState(fields: {
  maxSteps: number;
  numTrainEpochs: number;
  loggingSteps: number;
  evalSteps: number;
  saveSteps: number;
  trainBatchSize: number;
}): TrainerState {
  return {
    best_global_step: null,
    best_metric: null,
    best_model_checkpoint: null,
    epoch: 0,
    eval_steps: fields.evalSteps,
    global_step: 0,
    is_hyper_param_search: false,
    is_local_process_zero: true,
    is_world_process_zero: true,
    log_history: [],
    logging_steps: fields.loggingSteps,
    max_steps: fields.maxSteps,
    num_input_tokens_seen: 0,
    num_train_epochs: fields.numTrainEpochs,
    save_steps: fields.saveSteps,
    stateful_callbacks: {
      TrainerControl: {
        args: {
          should_training_stop: false,
          should_epoch_stop: false,
          should_save: false,
          should_evaluate: false,
          should_log: false,
        },
        attributes: {},
      },
    },
    total_flos: 0,
    train_batch_size: fields.trainBatchSize,
    trial_name: null,
    trial_params: null,
  };
}

/** trainer_state.json text: sorted keys and 2-space indent, as HF's save_to_json writes it. */
export function trainerStateJson(state: TrainerState): string {
  return `${JSON.stringify(sortKeys(state), null, 2)}\n`;
}

/** Parses trainer_state.json, checking the fields resume relies on. */
export function parseTrainerState(text: string, file: string): TrainerState {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
  const s = value as Partial<TrainerState>;
  if (typeof s !== 'object' || s === null) throw new Error(`${file}: expected a JSON object`);
  if (!Number.isSafeInteger(s.global_step) || (s.global_step as number) < 0)
    throw new Error(`${file}: global_step is ${JSON.stringify(s.global_step)}; expected an integer >= 0`);
  if (!Array.isArray(s.log_history)) throw new Error(`${file}: log_history is missing; expected a list`);
  return s as TrainerState;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
  );
}
