import type { HubRepoKind, ResolveModelDirOptions } from '@medgpt/hub';

/**
 * How Hub ids in a stage's options (`Qwen/Qwen2.5-0.5B-Instruct`, `org/name@revision`) are resolved:
 * cache, endpoint, token and offline settings (default: the environment, as huggingface_hub reads
 * it) and the download progress callback.
 */
export type StageHubOptions = Omit<ResolveModelDirOptions, 'kind' | 'revision'>;

/**
 * The options of a stage config that name a model, tokenizer or adapter directory (each a local
 * directory or a Hub id), and what each is loaded as.
 */
export const STAGE_MODEL_DIR_OPTIONS = {
  model_name_or_path: 'model',
  tokenizer_name_or_path: 'tokenizer',
  peft_path: 'adapter',
  /** The preference stages' frozen reference (DPO, KTO). */
  reference_model: 'model',
  /** The RL stages' models: reward, value, teacher, and ppo_training.py's policy name. */
  reward_model_path: 'model',
  value_model_path: 'model',
  teacher_model_name_or_path: 'model',
  sft_model_path: 'model',
} as const satisfies Record<string, HubRepoKind>;
