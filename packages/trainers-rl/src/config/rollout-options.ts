import {
  checkMoeOptions,
  checkOption,
  checkTemplateOptions,
  ConfigError,
  isInteger,
  isNonEmptyString,
  isNumberIn,
  MOE_OPTION_DEFAULTS,
  MOE_OPTION_DOCS,
  type MoeOptions,
  type OptionDoc,
} from '@medgpt/trainer';
import { BUILT_IN_REWARDS, parseRewardNames } from '../rewards/reward-function.js';
import {
  checkTrlModelOptions,
  TRL_MODEL_DEFAULTS,
  TRL_MODEL_DOCS,
  type TrlModelOptions,
} from './trl-model-options.js';

/**
 * What GRPO and RLOO share, under TRL's names (GRPOConfig / RLOOConfig): sampling, the clip range, the KL
 * coefficient, reuse of completions, the reward functions, and the prompt rendering.
 */
export interface RolloutOptions extends TrlModelOptions, MoeOptions {
  train_file_dir: string;
  /** A MedicalGPT template; null: the tokenizer's chat template (as the scripts). */
  template_name: string | null;
  tool_format: string | null;
  /** G: completions sampled per prompt. */
  num_generations: number;
  max_completion_length: number;
  temperature: number;
  top_p: number;
  /** 0: off. */
  top_k: number;
  min_p: number | null;
  repetition_penalty: number;
  /** KL coefficient to the reference; 0 loads no reference. */
  beta: number;
  /** Optimizer steps per generated batch (μ); > 1 keeps the generation's log-probs as the old policy. */
  num_iterations: number;
  epsilon: number;
  /** Upper clip ε (DAPO: 0.28); null: epsilon. */
  epsilon_high: number | null;
  /** Built-in reward functions, comma-separated (accuracy, format, soft_overlong); may be empty. */
  reward_funcs: string;
  /** Comma-separated weights, one per reward function (reward model last); null: 1 each. */
  reward_weights: string | null;
  /** A sequence-classification reward model (`medgpt rm`) scored as one more reward function. */
  reward_model_path: string | null;
  /** soft_overlong's buffer: the last this-many tokens before max_completion_length are penalised linearly. */
  soft_punish_cache: number;
  /** Truncated completions (no EOS within max_completion_length) get no loss (DAPO). */
  mask_truncated_completions: boolean;
  /** Log sample completions with their rewards at each logging step. */
  log_completions: boolean;
  num_completions_to_print: number;
  /** TRL's vLLM switch: generation here is the serving engine, so only false is accepted. */
  use_vllm: boolean;
}

export const ROLLOUT_DEFAULTS: RolloutOptions = {
  ...TRL_MODEL_DEFAULTS,
  ...MOE_OPTION_DEFAULTS,
  train_file_dir: '',
  template_name: null,
  tool_format: null,
  num_generations: 8,
  max_completion_length: 256,
  temperature: 1,
  top_p: 1,
  top_k: 0,
  min_p: null,
  repetition_penalty: 1,
  beta: 0,
  num_iterations: 1,
  epsilon: 0.2,
  epsilon_high: null,
  reward_funcs: '',
  reward_weights: null,
  reward_model_path: null,
  soft_punish_cache: 0,
  mask_truncated_completions: false,
  log_completions: false,
  num_completions_to_print: 2,
  use_vllm: false,
};

/** Built-in reward names, then the reward model's, in the order their rewards are combined. */
export function rewardNames(o: Pick<RolloutOptions, 'reward_funcs' | 'reward_model_path'>): string[] {
  const names: string[] = o.reward_funcs.trim() === '' ? [] : parseRewardNames(o.reward_funcs);
  return o.reward_model_path === null ? names : [...names, 'reward_model'];
}

/**
 * The weight of each of `names` (the reward functions in the order they are combined): 1 each, or
 * --reward_weights, which must give one per function.
 */
export function rewardWeights(o: Pick<RolloutOptions, 'reward_weights'>, names: readonly string[]): number[] {
  if (o.reward_weights === null) return names.map(() => 1);
  const w = o.reward_weights.split(',').map(Number);
  if (w.length !== names.length)
    throw new ConfigError(
      'reward_weights',
      o.reward_weights,
      `${names.length} comma-separated numbers, one per reward function (${names.join(', ')})`,
    );
  return w;
}

export function checkRolloutOptions(o: RolloutOptions, dataFiles: string): void {
  checkTrlModelOptions(o);
  checkMoeOptions(o);
  checkOption('train_file_dir', o.train_file_dir, isNonEmptyString(o.train_file_dir), dataFiles);
  checkTemplateOptions(o);
  checkOption(
    'num_generations',
    o.num_generations,
    isInteger(o.num_generations, 2),
    'an integer >= 2 (advantages compare completions of one prompt)',
  );
  checkOption(
    'max_completion_length',
    o.max_completion_length,
    isInteger(o.max_completion_length, 1),
    'an integer >= 1',
  );
  checkOption(
    'temperature',
    o.temperature,
    isNumberIn(o.temperature, Number.MIN_VALUE, Infinity),
    'a number > 0 (sampling; the log-probs use it too)',
  );
  checkOption('top_p', o.top_p, isNumberIn(o.top_p, Number.MIN_VALUE, 1), 'a number in (0, 1]');
  checkOption('top_k', o.top_k, isInteger(o.top_k, 0), 'an integer >= 0 (0: off)');
  checkOption('min_p', o.min_p, o.min_p === null || isNumberIn(o.min_p, 0, 1), 'a number in [0, 1]');
  checkOption(
    'repetition_penalty',
    o.repetition_penalty,
    isNumberIn(o.repetition_penalty, Number.MIN_VALUE, Infinity),
    'a number > 0',
  );
  checkOption('beta', o.beta, isNumberIn(o.beta, 0, Infinity), 'a number >= 0');
  checkOption('num_iterations', o.num_iterations, isInteger(o.num_iterations, 1), 'an integer >= 1');
  checkOption('epsilon', o.epsilon, isNumberIn(o.epsilon, 0, 1), 'a number in [0, 1]');
  checkOption(
    'epsilon_high',
    o.epsilon_high,
    o.epsilon_high === null || isNumberIn(o.epsilon_high, 0, Infinity),
    'a number >= 0',
  );
  try {
    rewardNames(o);
  } catch (err) {
    throw new ConfigError(
      'reward_funcs',
      o.reward_funcs,
      `comma-separated names from ${BUILT_IN_REWARDS.join(', ')}`,
      (err as Error).message,
    );
  }
  if (o.reward_weights !== null && !o.reward_weights.split(',').map(Number).every(Number.isFinite))
    throw new ConfigError(
      'reward_weights',
      o.reward_weights,
      'comma-separated numbers, one per reward function',
    );
  checkOption(
    'reward_model_path',
    o.reward_model_path,
    o.reward_model_path === null || isNonEmptyString(o.reward_model_path),
    'a reward model directory (medgpt rm)',
  );
  checkOption(
    'soft_punish_cache',
    o.soft_punish_cache,
    isInteger(o.soft_punish_cache, 0) && o.soft_punish_cache <= o.max_completion_length,
    `an integer in [0, ${o.max_completion_length}]`,
  );
  checkOption(
    'num_completions_to_print',
    o.num_completions_to_print,
    isInteger(o.num_completions_to_print, 0),
    'an integer >= 0',
  );
  checkOption(
    'use_vllm',
    o.use_vllm,
    o.use_vllm === false,
    'false',
    "completions come from medgpt's own serving engine in the same process",
  );
}

export const ROLLOUT_OPTION_DOCS: Record<keyof RolloutOptions, OptionDoc> = {
  ...TRL_MODEL_DOCS,
  ...MOE_OPTION_DOCS,
  train_file_dir: {
    kind: 'string',
    metavar: 'DIR',
    help: 'the training rows (.jsonl), a directory or a file',
  },
  template_name: {
    kind: 'string',
    metavar: 'NAME',
    help: "a MedicalGPT template (default: the tokenizer's chat template)",
  },
  tool_format: { kind: 'string', metavar: 'NAME', help: 'tool-call format of the template (default none)' },
  num_generations: { kind: 'integer', metavar: 'G', help: 'completions sampled per prompt (the group)' },
  max_completion_length: { kind: 'integer', metavar: 'N', help: 'new tokens per completion' },
  temperature: { kind: 'number', help: 'sampling temperature (the log-probs use it too)' },
  top_p: { kind: 'number', help: 'nucleus sampling' },
  top_k: { kind: 'integer', metavar: 'K', help: 'top-k sampling (0: off)' },
  min_p: { kind: 'number', help: 'min-p sampling (unset: off)' },
  repetition_penalty: { kind: 'number', help: 'repetition penalty while sampling' },
  beta: { kind: 'number', help: 'KL coefficient to the reference; 0 loads no reference' },
  num_iterations: { kind: 'integer', metavar: 'N', help: 'optimizer steps per generated batch (μ)' },
  epsilon: { kind: 'number', help: 'clip range of the ratio (lower; and upper unless --epsilon_high)' },
  epsilon_high: { kind: 'number', help: 'upper clip range (DAPO: 0.28)' },
  reward_funcs: {
    kind: 'string',
    metavar: 'NAMES',
    help: `reward functions: ${BUILT_IN_REWARDS.join(', ')}`,
  },
  reward_weights: { kind: 'string', metavar: 'W,...', help: 'weight of each reward (default 1 each)' },
  reward_model_path: {
    kind: 'string',
    metavar: 'DIR',
    help: 'a reward model (medgpt rm) scored as one more reward',
  },
  soft_punish_cache: {
    kind: 'integer',
    metavar: 'N',
    help: 'soft_overlong: tokens before the limit penalised linearly',
  },
  mask_truncated_completions: { kind: 'boolean', help: 'no loss for completions cut by the length limit' },
  log_completions: { kind: 'boolean', help: 'log sample completions with their rewards' },
  num_completions_to_print: { kind: 'integer', metavar: 'N', help: 'completions logged each time' },
  use_vllm: { kind: 'boolean', help: 'not used: completions come from the serving engine (only false)' },
};
