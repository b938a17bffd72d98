// transformers' TrainingArguments, the part a single-process trainer uses, with HF's names and
// defaults so MedicalGPT command lines and JSON configs carry over unchanged. Options HF has and we
// do not are refused by the CLI (it knows them), never silently ignored.
import { SCHEDULER_TYPES } from '@medgpt/core-tensor';

export type IntervalStrategy = 'no' | 'steps' | 'epoch';
export const INTERVAL_STRATEGIES: readonly IntervalStrategy[] = ['no', 'steps', 'epoch'];

/** What happens when a step's loss or gradient norm is NaN or infinite. */
export type NanInfPolicy = 'skip' | 'stop';
export const NAN_INF_POLICIES: readonly NanInfPolicy[] = ['skip', 'stop'];

/** Optimizers: torch's AdamW (the fused kernel of core-tensor matches it). */
export const OPTIMIZERS = ['adamw_torch', 'adamw_torch_fused'] as const;

export interface TrainingArguments {
  /** Where checkpoints, metrics.jsonl, trainer_state.json and the loss plot go. Required. */
  output_dir: string;
  /** Micro-batch size (HF default 8). */
  per_device_train_batch_size: number;
  /** Default 8. */
  per_device_eval_batch_size: number;
  /** Micro-batches per optimizer step (default 1). The loss is a token mean over all of them. */
  gradient_accumulation_steps: number;
  /** Peak learning rate of AdamW (default 5e-5). */
  learning_rate: number;
  /** Decoupled weight decay; biases and norm weights get none (HF's decay groups). Default 0. */
  weight_decay: number;
  /** Default 0.9. */
  adam_beta1: number;
  /** Default 0.999. */
  adam_beta2: number;
  /** Default 1e-8. */
  adam_epsilon: number;
  /** `adamw_torch` (default) or `adamw_torch_fused`: the same arithmetic here. */
  optim: string;
  /** Global 2-norm clipping before each step; 0 or less disables it (default 1.0). */
  max_grad_norm: number;
  /** Epochs when max_steps <= 0; fractions stop mid-epoch (default 3). */
  num_train_epochs: number;
  /** Optimizer steps; overrides num_train_epochs when > 0 (default -1). */
  max_steps: number;
  /** HF `lr_scheduler_type` (default 'linear'). */
  lr_scheduler_type: string;
  /** HF `lr_scheduler_kwargs` (num_cycles, min_lr ...). */
  lr_scheduler_kwargs: Record<string, unknown>;
  /** Warmup as a share of the total steps, used when warmup_steps is 0 (default 0). */
  warmup_ratio: number;
  /** Warmup steps; a value in (0, 1) is a ratio, as in transformers 5 (default 0). */
  warmup_steps: number;
  /** `steps` (default), `epoch` or `no`. */
  logging_strategy: IntervalStrategy;
  /** Log every N steps; a value < 1 is a share of max_steps (default 500). */
  logging_steps: number;
  /** Also log the first step (default false). */
  logging_first_step: boolean;
  /** Count a NaN/inf step loss as the running mean in the logged loss, as HF does (default true). */
  logging_nan_inf_filter: boolean;
  /** `no` (default), `steps` or `epoch`. */
  eval_strategy: IntervalStrategy;
  /** Evaluate every N steps (default: logging_steps); < 1 is a share of max_steps. */
  eval_steps: number | null;
  /** Evaluate once before the first step (default false). */
  eval_on_start: boolean;
  /** `steps` (default), `epoch` or `no`. */
  save_strategy: IntervalStrategy;
  /** Save a checkpoint every N steps (default 500); < 1 is a share of max_steps. */
  save_steps: number;
  /** Keep at most this many checkpoints, deleting the oldest (default: keep all). */
  save_total_limit: number | null;
  /** Checkpoints without optimizer, scheduler and RNG state: smaller, but not resumable (default false). */
  save_only_model: boolean;
  /** Seed of everything random: data order (unless data_seed), dropout, NEFTune noise (default 42). */
  seed: number;
  /** Seed of the data order; default: seed. */
  data_seed: number | null;
  /** Drop the last short micro-batch of each epoch (default false). */
  dataloader_drop_last: boolean;
  /** Batch rows of similar length together (transformers' LengthGroupedSampler; default false). */
  group_by_length: boolean;
  /** bf16 mixed precision: bf16 storage where the backend has it (cuda); cpu/wasm compute in fp32. */
  bf16: boolean;
  /** fp16 mixed precision: dynamic loss scaling (fp16 storage where the backend has it). */
  fp16: boolean;
  /** Recompute each decoder layer in backward instead of keeping its activations (default false). */
  gradient_checkpointing: boolean;
  /** A checkpoint dir, or true for the newest checkpoint-* in output_dir. */
  resume_from_checkpoint: string | boolean | null;
  /** `skip` (default): leave the weights untouched for that step and go on; `stop`: save and stop. */
  nan_inf_policy: NanInfPolicy;
  /** No progress bar even on a terminal (default false). */
  disable_tqdm: boolean;
  /**
   * Seconds a rank of a multi-process run waits in a collective for the slowest rank before failing
   * with an error naming it (HF's default 1800). A rank that dies is noticed at once, not after this.
   */
  ddp_timeout: number;
  /**
   * ZeRO stage of a multi-process run: 0 (default) keeps the whole optimizer state on every rank, 1
   * shards it across ranks (DeepSpeed ZeRO-1). Set by --deepspeed's zero_optimization.stage too.
   */
  zero_stage: number;
  /** A DeepSpeed JSON config (path or inline JSON); medgpt reads its zero_optimization.stage (0 or 1). */
  deepspeed: string | null;
}

/** transformers' defaults for every option but output_dir. */
export const DEFAULT_TRAINING_ARGUMENTS: Readonly<Omit<TrainingArguments, 'output_dir'>> = {
  per_device_train_batch_size: 8,
  per_device_eval_batch_size: 8,
  gradient_accumulation_steps: 1,
  learning_rate: 5e-5,
  weight_decay: 0,
  adam_beta1: 0.9,
  adam_beta2: 0.999,
  adam_epsilon: 1e-8,
  optim: 'adamw_torch',
  max_grad_norm: 1,
  num_train_epochs: 3,
  max_steps: -1,
  lr_scheduler_type: 'linear',
  lr_scheduler_kwargs: {},
  warmup_ratio: 0,
  warmup_steps: 0,
  logging_strategy: 'steps',
  logging_steps: 500,
  logging_first_step: false,
  logging_nan_inf_filter: true,
  eval_strategy: 'no',
  eval_steps: null,
  eval_on_start: false,
  save_strategy: 'steps',
  save_steps: 500,
  save_total_limit: null,
  save_only_model: false,
  seed: 42,
  data_seed: null,
  dataloader_drop_last: false,
  group_by_length: false,
  bf16: false,
  fp16: false,
  gradient_checkpointing: false,
  resume_from_checkpoint: null,
  nan_inf_policy: 'skip',
  disable_tqdm: false,
  ddp_timeout: 1800,
  zero_stage: 0,
  deepspeed: null,
};

/** The valid choices of the options that have a fixed set, for errors and --help. */
export const TRAINING_ARGUMENT_CHOICES = {
  lr_scheduler_type: SCHEDULER_TYPES,
  logging_strategy: INTERVAL_STRATEGIES,
  eval_strategy: INTERVAL_STRATEGIES,
  save_strategy: INTERVAL_STRATEGIES,
  nan_inf_policy: NAN_INF_POLICIES,
  optim: OPTIMIZERS,
} as const;
