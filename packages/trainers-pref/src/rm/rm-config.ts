import {
  checkKbitTraining,
  checkLoraOptions,
  checkModelOptions,
  checkOption,
  isNumberIn,
  LORA_OPTION_DEFAULTS,
  LORA_OPTION_DOCS,
  MODEL_OPTION_DEFAULTS,
  MODEL_OPTION_DOCS,
  resolveStageConfig,
  type LoraOptions,
  type ModelOptions,
  type OptionDoc,
  type TrainingArguments,
} from '@medgpt/trainer';
import {
  checkPreferenceDataOptions,
  PREFERENCE_DATA_DEFAULTS,
  PREFERENCE_DATA_DOCS,
  type PreferenceDataOptions,
} from '../config/preference-data-options.js';

/** reward_modeling.py's arguments, plus TRL RewardConfig's center_rewards_coefficient. */
export interface RewardOptions extends ModelOptions, LoraOptions, PreferenceDataOptions {
  /**
   * Weight of mean((r_chosen + r_rejected)²), which keeps rewards centred on 0 (Eisenstein et al. 2023);
   * null (default) leaves it out, as MedicalGPT's loss does.
   */
  center_rewards_coefficient: number | null;
}

export type RewardConfig = RewardOptions & TrainingArguments;
export type RewardConfigInput = Partial<RewardConfig> &
  Pick<RewardConfig, 'model_name_or_path' | 'train_file_dir'>;

/** reward_modeling.py's defaults: LoRA r 8, α 32 on every linear layer but the heads. */
export const RM_DEFAULTS: RewardOptions = {
  model_name_or_path: '',
  ...MODEL_OPTION_DEFAULTS,
  ...LORA_OPTION_DEFAULTS,
  ...PREFERENCE_DATA_DEFAULTS,
  center_rewards_coefficient: null,
};

/** reward_modeling.py takes transformers' TrainingArguments with their defaults; only the output dir is ours. */
export const RM_TRAINING_DEFAULTS: Partial<TrainingArguments> = { output_dir: 'outputs-rm' };

export function resolveRewardConfig(input: RewardConfigInput): RewardConfig {
  return resolveStageConfig(
    input as Record<string, unknown>,
    RM_DEFAULTS,
    'rm',
    checkRewardOptions,
    RM_TRAINING_DEFAULTS,
  );
}

function checkRewardOptions(o: RewardOptions): void {
  checkModelOptions(o);
  checkLoraOptions(o);
  checkKbitTraining(o);
  checkPreferenceDataOptions(o);
  checkOption(
    'center_rewards_coefficient',
    o.center_rewards_coefficient,
    o.center_rewards_coefficient === null || isNumberIn(o.center_rewards_coefficient, 0, Infinity),
    'a number >= 0 (or unset)',
  );
}

export const RM_OPTION_DOCS: Record<keyof RewardOptions, OptionDoc> = {
  ...MODEL_OPTION_DOCS,
  ...LORA_OPTION_DOCS,
  ...PREFERENCE_DATA_DOCS,
  max_source_length: {
    kind: 'integer',
    metavar: 'N',
    help: 'prompt budget: pairs longer than source + target tokens are dropped',
  },
  max_target_length: {
    kind: 'integer',
    metavar: 'N',
    help: 'answer budget: pairs longer than source + target tokens are dropped',
  },
  center_rewards_coefficient: {
    kind: 'number',
    help: 'weight of mean((r_chosen + r_rejected)^2), keeping rewards centred (default: off)',
  },
};
