import { SCHEDULER_TYPES } from '@medgpt/core-tensor';
import {
  INTERVAL_STRATEGIES,
  NAN_INF_POLICIES,
  OPTIMIZERS,
  type TrainingArguments,
} from './training-arguments.js';

/** The kind of value an option takes, for command lines and config files. */
/**
 * How an option is written. 'list': names the library takes comma-separated, which the CLI also takes
 * space-separated after one flag (TRL's `--lora_target_modules q_proj k_proj`).
 */
export type OptionKind = 'string' | 'number' | 'integer' | 'boolean' | 'json' | 'path-or-boolean' | 'list';

/** What a front end (the CLI's --help and parser) needs to know about an option. */
export interface OptionDoc {
  kind: OptionKind;
  help: string;
  choices?: readonly string[];
  /** Placeholder in help, e.g. DIR, N. */
  metavar?: string;
}

/** One line of help per TrainingArguments option (the meaning; defaults come from DEFAULT_TRAINING_ARGUMENTS). */
export const TRAINING_ARGUMENT_DOCS: Record<keyof TrainingArguments, OptionDoc> = {
  output_dir: {
    kind: 'string',
    metavar: 'DIR',
    help: 'checkpoints, metrics.jsonl, trainer_state.json, loss.svg and the final model',
  },
  per_device_train_batch_size: { kind: 'integer', metavar: 'N', help: 'rows per micro-batch' },
  per_device_eval_batch_size: { kind: 'integer', metavar: 'N', help: 'rows per evaluation batch' },
  gradient_accumulation_steps: {
    kind: 'integer',
    metavar: 'N',
    help: 'micro-batches per optimizer step (the loss is a token mean over all of them)',
  },
  learning_rate: { kind: 'number', help: 'peak AdamW learning rate' },
  weight_decay: { kind: 'number', help: 'decoupled weight decay (biases and norm weights get none)' },
  adam_beta1: { kind: 'number', help: 'AdamW beta1' },
  adam_beta2: { kind: 'number', help: 'AdamW beta2' },
  adam_epsilon: { kind: 'number', help: 'AdamW epsilon' },
  optim: { kind: 'string', choices: OPTIMIZERS, help: "optimizer (both are torch's AdamW arithmetic)" },
  max_grad_norm: { kind: 'number', help: 'global 2-norm gradient clipping; <= 0 disables it' },
  num_train_epochs: { kind: 'number', help: 'epochs when --max_steps <= 0 (fractions stop mid-epoch)' },
  max_steps: {
    kind: 'integer',
    metavar: 'N',
    help: 'optimizer steps; overrides --num_train_epochs when > 0',
  },
  lr_scheduler_type: {
    kind: 'string',
    choices: SCHEDULER_TYPES,
    help: 'learning-rate schedule (transformers get_scheduler)',
  },
  lr_scheduler_kwargs: {
    kind: 'json',
    metavar: 'JSON',
    help: 'schedule options as JSON, e.g. {"num_cycles": 0.5}',
  },
  warmup_ratio: { kind: 'number', help: 'warmup as a share of the steps (when --warmup_steps is 0)' },
  warmup_steps: { kind: 'number', help: 'warmup steps (a value in (0, 1) is a ratio)' },
  logging_strategy: { kind: 'string', choices: INTERVAL_STRATEGIES, help: 'when to log' },
  logging_steps: { kind: 'number', metavar: 'N', help: 'log every N steps (< 1: a share of the steps)' },
  logging_first_step: { kind: 'boolean', help: 'also log the first step' },
  logging_nan_inf_filter: { kind: 'boolean', help: 'count NaN/inf step losses as the running mean in logs' },
  eval_strategy: { kind: 'string', choices: INTERVAL_STRATEGIES, help: 'when to evaluate' },
  eval_steps: { kind: 'number', metavar: 'N', help: 'evaluate every N steps (default: --logging_steps)' },
  eval_on_start: { kind: 'boolean', help: 'evaluate before the first step' },
  save_strategy: { kind: 'string', choices: INTERVAL_STRATEGIES, help: 'when to save checkpoints' },
  save_steps: {
    kind: 'number',
    metavar: 'N',
    help: 'save a checkpoint every N steps (< 1: a share of the steps)',
  },
  save_total_limit: { kind: 'integer', metavar: 'N', help: 'keep only the newest N checkpoints' },
  save_only_model: {
    kind: 'boolean',
    help: 'checkpoints without optimizer/scheduler/RNG state (not resumable)',
  },
  seed: { kind: 'integer', metavar: 'N', help: 'seed of the data order, dropout and noise' },
  data_seed: { kind: 'integer', metavar: 'N', help: 'seed of the data order (default: --seed)' },
  dataloader_drop_last: { kind: 'boolean', help: 'drop the last short micro-batch of each epoch' },
  group_by_length: { kind: 'boolean', help: 'batch rows of similar length together' },
  bf16: {
    kind: 'boolean',
    help: 'bf16 mixed precision (storage on backends that have it; cpu/wasm compute fp32)',
  },
  fp16: { kind: 'boolean', help: 'fp16 mixed precision with dynamic loss scaling' },
  gradient_checkpointing: {
    kind: 'boolean',
    help: 'recompute each decoder layer in backward to save memory',
  },
  resume_from_checkpoint: {
    kind: 'path-or-boolean',
    metavar: 'DIR|true',
    help: 'resume from a checkpoint dir, or true for the newest complete one in --output_dir (a damaged one is named and skipped)',
  },
  nan_inf_policy: {
    kind: 'string',
    choices: NAN_INF_POLICIES,
    help: 'on a NaN/inf loss or gradient: skip the step, or save and stop',
  },
  disable_tqdm: { kind: 'boolean', help: 'no progress bar' },
  ddp_timeout: {
    kind: 'number',
    metavar: 'SECONDS',
    help: 'multi-process runs: how long a rank waits for the slowest one in a collective before failing with its name',
  },
  zero_stage: {
    kind: 'integer',
    metavar: 'N',
    help: 'multi-process runs: 0 keeps the optimizer state on every rank, 1 shards it across ranks (ZeRO-1)',
  },
  deepspeed: {
    kind: 'string',
    metavar: 'JSON',
    help: 'a DeepSpeed config (file or inline JSON): its zero_optimization.stage (0 or 1) sets --zero_stage',
  },
};
