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
import { checkTemplateOptions } from '@medgpt/trainer';
import {
  checkTrlModelOptions,
  TRL_MODEL_DEFAULTS,
  TRL_MODEL_DOCS,
  type TrlModelOptions,
} from '../config/trl-model-options.js';

export const KL_ESTIMATORS = ['k1', 'k3'] as const;

/**
 * PPO under TRL's PPOConfig names (and MedicalGPT's older ppo_training.py flags: --sft_model_path,
 * --reward_model_path, --response_length, --missing_eos_penalty), plus the adaptive KL controller of the
 * original TRL PPO.
 */
export interface PpoOptions extends TrlModelOptions {
  sft_model_path: string | null;
  /** The reward model (`medgpt rm`): its score of prompt + completion is the reward. Required. */
  reward_model_path: string;
  /** The value model's initial weights (a one-label classifier); default the reward model's. */
  value_model_path: string | null;
  train_file_dir: string;
  template_name: string | null;
  tool_format: string | null;
  /** Prompt tokens kept (cut on the left). */
  max_source_length: number;
  /** New tokens per completion (TRL's response_length). */
  response_length: number;
  temperature: number;
  top_p: number;
  top_k: number;
  num_ppo_epochs: number;
  kl_coef: number;
  kl_estimator: (typeof KL_ESTIMATORS)[number];
  /** Adapt kl_coef towards target_kl (the original TRL PPO's controller). */
  adap_kl_ctrl: boolean;
  target_kl: number;
  kl_horizon: number;
  cliprange: number;
  cliprange_value: number;
  vf_coef: number;
  gamma: number;
  lam: number;
  whiten_rewards: boolean;
  missing_eos_penalty: number | null;
  log_completions: boolean;
  num_completions_to_print: number;
}

export type PpoConfig = PpoOptions & TrainingArguments;
export type PpoConfigInput = Partial<PpoConfig> & Pick<PpoConfig, 'train_file_dir' | 'reward_model_path'>;

export const PPO_DEFAULTS: PpoOptions = {
  ...TRL_MODEL_DEFAULTS,
  sft_model_path: null,
  reward_model_path: '',
  value_model_path: null,
  train_file_dir: '',
  template_name: null,
  tool_format: null,
  max_source_length: 1024,
  response_length: 53,
  temperature: 0.7,
  top_p: 1,
  top_k: 0,
  num_ppo_epochs: 4,
  kl_coef: 0.05,
  kl_estimator: 'k1',
  adap_kl_ctrl: false,
  target_kl: 6,
  kl_horizon: 10000,
  cliprange: 0.2,
  cliprange_value: 0.2,
  vf_coef: 0.1,
  gamma: 1,
  lam: 0.95,
  whiten_rewards: false,
  missing_eos_penalty: null,
  log_completions: false,
  num_completions_to_print: 2,
};

/** TRL's PPOConfig TrainingArguments defaults. */
export const PPO_TRAINING_DEFAULTS: Partial<TrainingArguments> = {
  output_dir: 'outputs-ppo',
  learning_rate: 3e-6,
  logging_steps: 10,
  per_device_train_batch_size: 8,
  eval_strategy: 'no',
};

export function resolvePpoConfig(input: PpoConfigInput): PpoConfig {
  return resolveStageConfig(
    withSftModelPath(input) as Record<string, unknown>,
    PPO_DEFAULTS,
    'ppo',
    checkPpoOptions,
    PPO_TRAINING_DEFAULTS,
  );
}

function checkPpoOptions(o: PpoOptions): void {
  if (o.model_name_or_path === '')
    throw new ConfigError('model_name_or_path', '', 'the policy (or --sft_model_path)');
  checkTrlModelOptions(o);
  checkOption(
    'reward_model_path',
    o.reward_model_path,
    isNonEmptyString(o.reward_model_path),
    'a reward model directory (medgpt rm): PPO scores with it',
  );
  checkOption(
    'value_model_path',
    o.value_model_path,
    o.value_model_path === null || isNonEmptyString(o.value_model_path),
    'a one-label classifier directory',
  );
  checkOption(
    'train_file_dir',
    o.train_file_dir,
    isNonEmptyString(o.train_file_dir),
    'conversations (SFT data): a prompt per human turn',
  );
  checkTemplateOptions(o);
  checkOption('max_source_length', o.max_source_length, isInteger(o.max_source_length, 1), 'an integer >= 1');
  checkOption('response_length', o.response_length, isInteger(o.response_length, 1), 'an integer >= 1');
  checkOption(
    'temperature',
    o.temperature,
    isNumberIn(o.temperature, Number.MIN_VALUE, Infinity),
    'a number > 0',
  );
  checkOption('top_p', o.top_p, isNumberIn(o.top_p, Number.MIN_VALUE, 1), 'a number in (0, 1]');
  checkOption('top_k', o.top_k, isInteger(o.top_k, 0), 'an integer >= 0 (0: off)');
  checkOption('num_ppo_epochs', o.num_ppo_epochs, isInteger(o.num_ppo_epochs, 1), 'an integer >= 1');
  checkOption('kl_coef', o.kl_coef, isNumberIn(o.kl_coef, 0, Infinity), 'a number >= 0');
  checkOption(
    'kl_estimator',
    o.kl_estimator,
    (KL_ESTIMATORS as readonly string[]).includes(o.kl_estimator),
    'k1 or k3',
  );
  checkOption('target_kl', o.target_kl, isNumberIn(o.target_kl, Number.MIN_VALUE, Infinity), 'a number > 0');
  checkOption(
    'kl_horizon',
    o.kl_horizon,
    isNumberIn(o.kl_horizon, Number.MIN_VALUE, Infinity),
    'a number > 0',
  );
  for (const key of ['cliprange', 'cliprange_value', 'vf_coef'] as const)
    checkOption(key, o[key], isNumberIn(o[key], 0, Infinity), 'a number >= 0');
  checkOption('gamma', o.gamma, isNumberIn(o.gamma, 0, 1), 'a number in [0, 1]');
  checkOption('lam', o.lam, isNumberIn(o.lam, 0, 1), 'a number in [0, 1]');
  checkOption(
    'missing_eos_penalty',
    o.missing_eos_penalty,
    o.missing_eos_penalty === null || isNumberIn(o.missing_eos_penalty, 0, Infinity),
    'a number >= 0',
  );
}

export const PPO_OPTION_DOCS: Record<keyof PpoOptions, OptionDoc> = {
  ...TRL_MODEL_DOCS,
  sft_model_path: {
    kind: 'string',
    metavar: 'DIR',
    help: 'the policy and its tokenizer (default --model_name_or_path)',
  },
  reward_model_path: {
    kind: 'string',
    metavar: 'DIR',
    help: 'the reward model (medgpt rm) that scores prompt + completion',
  },
  value_model_path: {
    kind: 'string',
    metavar: 'DIR',
    help: "the value model's starting weights (default: the reward model)",
  },
  train_file_dir: {
    kind: 'string',
    metavar: 'DIR',
    help: 'conversations (SFT data): one prompt per human turn',
  },
  template_name: {
    kind: 'string',
    metavar: 'NAME',
    help: "a MedicalGPT template (default: the tokenizer's chat template)",
  },
  tool_format: { kind: 'string', metavar: 'NAME', help: 'tool-call format of the template (default none)' },
  max_source_length: { kind: 'integer', metavar: 'N', help: 'prompt tokens kept (cut on the left)' },
  response_length: { kind: 'integer', metavar: 'N', help: 'new tokens per completion' },
  temperature: { kind: 'number', help: 'sampling temperature (the log-probs use it too)' },
  top_p: { kind: 'number', help: 'nucleus sampling' },
  top_k: { kind: 'integer', metavar: 'K', help: 'top-k sampling (0: off)' },
  num_ppo_epochs: { kind: 'integer', metavar: 'N', help: 'optimizer steps per rollout batch' },
  kl_coef: { kind: 'number', help: 'β of the per-token KL penalty to the reference' },
  kl_estimator: { kind: 'string', choices: KL_ESTIMATORS, help: 'the per-token KL: k1 (log-ratio) or k3' },
  adap_kl_ctrl: { kind: 'boolean', help: 'adapt kl_coef towards --target_kl' },
  target_kl: { kind: 'number', help: 'the adaptive controller’s target KL' },
  kl_horizon: { kind: 'number', help: 'the adaptive controller’s horizon (samples)' },
  cliprange: { kind: 'number', help: 'clip range of the policy ratio' },
  cliprange_value: { kind: 'number', help: 'clip range of the value' },
  vf_coef: { kind: 'number', help: 'weight of the value loss' },
  gamma: { kind: 'number', help: 'GAE discount γ' },
  lam: { kind: 'number', help: 'GAE λ' },
  whiten_rewards: { kind: 'boolean', help: 'whiten the per-token rewards before GAE' },
  missing_eos_penalty: { kind: 'number', help: 'subtracted from the score of a completion without EOS' },
  log_completions: { kind: 'boolean', help: 'log sample completions with their rewards' },
  num_completions_to_print: { kind: 'integer', metavar: 'N', help: 'completions logged each time' },
};
