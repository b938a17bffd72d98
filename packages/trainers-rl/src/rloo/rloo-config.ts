import { withSftModelPath } from '../config/sft-model-path.js';
import {
  checkOption,
  ConfigError,
  isInteger,
  isNonEmptyString,
  isNumberIn,
  resolveStageConfig,
  type OptionDoc,
  type TrainingArguments,
} from '@medgpt/trainer';
import {
  checkRolloutOptions,
  ROLLOUT_DEFAULTS,
  ROLLOUT_OPTION_DOCS,
  type RolloutOptions,
} from '../config/rollout-options.js';

/** ppo_training.py's RLOOArguments, TRL's RLOOConfig knobs, and ours (reward functions, templates). */
export interface RlooOptions extends RolloutOptions {
  /** The policy (and its tokenizer) when given; else --model_name_or_path, as ppo_training.py. */
  sft_model_path: string | null;
  validation_file_dir: string | null;
  /** Hub datasets are not read (no network); accepted unset. */
  dataset_name: string | null;
  dataset_config: string | null;
  dataset_train_split: string;
  dataset_test_split: string;
  /** Prompt tokens kept, the left part cut (parsed but unused by ppo_training.py). */
  max_source_length: number;
  /** Whiten the advantages over the batch. */
  normalize_advantages: boolean;
  /** Clip the rewards to [-c, c] before the KL term; null: no clip. */
  reward_clip_range: number | null;
}

export type RlooConfig = RlooOptions & TrainingArguments;
export type RlooConfigInput = Partial<RlooConfig> & Pick<RlooConfig, 'train_file_dir'>;

export const RLOO_DEFAULTS: RlooOptions = {
  ...ROLLOUT_DEFAULTS,
  sft_model_path: null,
  validation_file_dir: null,
  dataset_name: null,
  dataset_config: null,
  dataset_train_split: 'train',
  dataset_test_split: 'test',
  max_source_length: 1024,
  num_generations: 2,
  beta: 0.05,
  normalize_advantages: false,
  reward_clip_range: null,
};

/** TRL's RLOOConfig TrainingArguments defaults. */
export const RLOO_TRAINING_DEFAULTS: Partial<TrainingArguments> = {
  output_dir: 'outputs-rloo',
  learning_rate: 1e-6,
  logging_steps: 10,
  per_device_train_batch_size: 8,
  eval_strategy: 'no',
};

export function resolveRlooConfig(input: RlooConfigInput): RlooConfig {
  return resolveStageConfig(
    withSftModelPath(input) as Record<string, unknown>,
    RLOO_DEFAULTS,
    'rloo',
    checkRlooOptions,
    RLOO_TRAINING_DEFAULTS,
  );
}

function checkRlooOptions(o: RlooOptions): void {
  if (o.model_name_or_path === '')
    throw new ConfigError(
      'model_name_or_path',
      '',
      'the policy (or --sft_model_path)',
      'ppo_training.py trains the SFT model',
    );
  checkRolloutOptions(o, 'a directory or file of conversations (SFT data: a prompt per human turn)');
  checkOption(
    'validation_file_dir',
    o.validation_file_dir,
    o.validation_file_dir === null || isNonEmptyString(o.validation_file_dir),
    'a directory or file',
  );
  checkOption('max_source_length', o.max_source_length, isInteger(o.max_source_length, 1), 'an integer >= 1');
  checkOption(
    'normalize_advantages',
    o.normalize_advantages,
    typeof o.normalize_advantages === 'boolean',
    'true or false',
  );
  checkOption(
    'reward_clip_range',
    o.reward_clip_range,
    o.reward_clip_range === null || isNumberIn(o.reward_clip_range, Number.MIN_VALUE, Infinity),
    'a number > 0',
  );
  if (o.dataset_name !== null)
    throw new ConfigError(
      'dataset_name',
      o.dataset_name,
      'unset',
      'Hub datasets are not downloaded; pass local rows with --train_file_dir',
    );
}

export const RLOO_OPTION_DOCS: Record<keyof RlooOptions, OptionDoc> = {
  ...ROLLOUT_OPTION_DOCS,
  train_file_dir: {
    kind: 'string',
    metavar: 'DIR',
    help: 'conversations (SFT data): one prompt per human turn',
  },
  sft_model_path: {
    kind: 'string',
    metavar: 'DIR',
    help: 'the policy and its tokenizer (default --model_name_or_path)',
  },
  validation_file_dir: {
    kind: 'string',
    metavar: 'DIR',
    help: 'accepted (RLOO here trains without an evaluation pass)',
  },
  dataset_name: { kind: 'string', metavar: 'NAME', help: 'Hub datasets are not read: use --train_file_dir' },
  dataset_config: {
    kind: 'string',
    metavar: 'NAME',
    help: 'accepted for the script (Hub datasets are not read)',
  },
  dataset_train_split: {
    kind: 'string',
    metavar: 'NAME',
    help: 'accepted for the script (Hub datasets are not read)',
  },
  dataset_test_split: {
    kind: 'string',
    metavar: 'NAME',
    help: 'accepted for the script (Hub datasets are not read)',
  },
  max_source_length: { kind: 'integer', metavar: 'N', help: 'prompt tokens kept (cut on the left)' },
  normalize_advantages: { kind: 'boolean', help: 'whiten the advantages over the batch' },
  reward_clip_range: { kind: 'number', help: 'clip rewards to [-c, c] before the KL term' },
};
