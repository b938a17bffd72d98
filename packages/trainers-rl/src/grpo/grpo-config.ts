import {
  checkOption,
  ConfigError,
  isInteger,
  resolveStageConfig,
  type OptionDoc,
  type TrainingArguments,
} from '@medgpt/trainer';
import { SCALE_REWARDS, type ScaleRewards } from '../advantages/group-advantages.js';
import {
  checkRolloutOptions,
  ROLLOUT_DEFAULTS,
  ROLLOUT_OPTION_DOCS,
  type RolloutOptions,
} from '../config/rollout-options.js';
import {
  GRPO_LOSS_TYPES,
  IMPORTANCE_SAMPLING_LEVELS,
  type GrpoLossType,
  type ImportanceSamplingLevel,
} from '../losses/grpo-token-loss.js';

/** grpo_training.py's ScriptArguments, TRL's GRPOConfig knobs, and ours (reward functions, templates). */
export interface GrpoOptions extends RolloutOptions {
  /** Rows to train on after a seeded shuffle (-1: all), as grpo_training.py's --train_samples. */
  train_samples: number;
  /** Hub datasets are not read (no network): accepted unset or as the script's default with --train_file_dir. */
  dataset_name: string | null;
  subset_name: string | null;
  dataset_splits: string;
  preprocessing_num_workers: number;
  /** Prompt tokens kept (the left part is cut, as TRL's max_prompt_length). */
  max_prompt_length: number;
  loss_type: GrpoLossType;
  scale_rewards: ScaleRewards;
  importance_sampling_level: ImportanceSamplingLevel;
}

export type GrpoConfig = GrpoOptions & TrainingArguments;
export type GrpoConfigInput = Partial<GrpoConfig> & Pick<GrpoConfig, 'model_name_or_path' | 'train_file_dir'>;

export const GRPO_DEFAULTS: GrpoOptions = {
  ...ROLLOUT_DEFAULTS,
  reward_funcs: 'accuracy,format',
  train_samples: -1,
  dataset_name: null,
  subset_name: null,
  dataset_splits: 'train',
  preprocessing_num_workers: 10,
  max_prompt_length: 512,
  loss_type: 'dapo',
  scale_rewards: 'group',
  importance_sampling_level: 'token',
};

/** TRL's GRPOConfig TrainingArguments defaults (learning rate 1e-6, logging every 10 steps, batch 8 completions). */
export const GRPO_TRAINING_DEFAULTS: Partial<TrainingArguments> = {
  output_dir: 'outputs-grpo',
  learning_rate: 1e-6,
  logging_steps: 10,
  per_device_train_batch_size: 8,
  eval_strategy: 'no',
};

export function resolveGrpoConfig(input: GrpoConfigInput): GrpoConfig {
  return resolveStageConfig(
    input as Record<string, unknown>,
    GRPO_DEFAULTS,
    'grpo',
    checkGrpoOptions,
    GRPO_TRAINING_DEFAULTS,
  );
}

function checkGrpoOptions(o: GrpoOptions): void {
  checkRolloutOptions(o, 'a directory or file of GRPO rows {question, answer}');
  checkOption(
    'train_samples',
    o.train_samples,
    Number.isInteger(o.train_samples) && o.train_samples >= -1 && o.train_samples !== 0,
    '-1 (all) or an integer >= 1',
  );
  checkOption('max_prompt_length', o.max_prompt_length, isInteger(o.max_prompt_length, 1), 'an integer >= 1');
  checkOption(
    'loss_type',
    o.loss_type,
    (GRPO_LOSS_TYPES as readonly string[]).includes(o.loss_type),
    GRPO_LOSS_TYPES.join(', '),
  );
  checkOption(
    'scale_rewards',
    o.scale_rewards,
    (SCALE_REWARDS as readonly string[]).includes(o.scale_rewards),
    SCALE_REWARDS.join(', '),
  );
  checkOption(
    'importance_sampling_level',
    o.importance_sampling_level,
    (IMPORTANCE_SAMPLING_LEVELS as readonly string[]).includes(o.importance_sampling_level),
    IMPORTANCE_SAMPLING_LEVELS.join(' or '),
  );
  if (o.dataset_name !== null && o.dataset_name !== 'openai/gsm8k')
    throw new ConfigError(
      'dataset_name',
      o.dataset_name,
      'unset',
      'Hub datasets are not downloaded; pass local rows with --train_file_dir',
    );
}

export const GRPO_OPTION_DOCS: Record<keyof GrpoOptions, OptionDoc> = {
  ...ROLLOUT_OPTION_DOCS,
  train_file_dir: {
    kind: 'string',
    metavar: 'DIR',
    help: 'GRPO rows {question, answer} (.jsonl/.json), a directory or a file',
  },
  train_samples: { kind: 'integer', metavar: 'N', help: 'rows to train on after a seeded shuffle (-1: all)' },
  dataset_name: {
    kind: 'string',
    metavar: 'NAME',
    help: "the script's Hub dataset (accepted, not read: use --train_file_dir)",
  },
  subset_name: {
    kind: 'string',
    metavar: 'NAME',
    help: 'accepted for the script (Hub datasets are not read)',
  },
  dataset_splits: {
    kind: 'string',
    metavar: 'NAME',
    help: 'accepted for the script (Hub datasets are not read)',
  },
  preprocessing_num_workers: { kind: 'integer', metavar: 'N', help: 'accepted for the script (no effect)' },
  max_prompt_length: { kind: 'integer', metavar: 'N', help: 'prompt tokens kept (cut on the left)' },
  loss_type: { kind: 'string', choices: GRPO_LOSS_TYPES, help: 'how token losses are averaged (TRL)' },
  scale_rewards: {
    kind: 'string',
    choices: SCALE_REWARDS,
    help: 'divide advantages by the group or batch std, or not',
  },
  importance_sampling_level: {
    kind: 'string',
    choices: IMPORTANCE_SAMPLING_LEVELS,
    help: 'token ratios, or sequence ratios (GSPO)',
  },
};
