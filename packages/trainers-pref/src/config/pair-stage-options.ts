import {
  checkKbitTraining,
  checkLoraOptions,
  checkModelOptions,
  checkOption,
  checkMoeOptions,
  LORA_OPTION_DEFAULTS,
  LORA_OPTION_DOCS,
  MODEL_OPTION_DEFAULTS,
  MODEL_OPTION_DOCS,
  MOE_OPTION_DEFAULTS,
  MOE_OPTION_DOCS,
  type LoraOptions,
  type MoeOptions,
  type ModelOptions,
  type OptionDoc,
  type TrainingArguments,
} from '@medgpt/trainer';
import {
  checkPreferenceDataOptions,
  PREFERENCE_DATA_DEFAULTS,
  PREFERENCE_DATA_DOCS,
  type PreferenceDataOptions,
} from './preference-data-options.js';

export const TRUNCATION_MODES = ['keep_start', 'keep_end'] as const;
export type TruncationMode = (typeof TRUNCATION_MODES)[number];

/**
 * What DPO, ORPO, CPO/SimPO and KTO share: the model, LoRA, mixture-of-experts and preference-data
 * options, and truncation.
 */
export interface PairStageOptions extends ModelOptions, LoraOptions, MoeOptions, PreferenceDataOptions {
  /** Which end of prompt + answer survives the cut to max length: keep_start (TRL's default) or keep_end. */
  truncation_mode: TruncationMode;
}

/** dpo_training.py's / orpo_training.py's defaults: LoRA alpha 16 on every linear layer. */
export const PAIR_STAGE_DEFAULTS: PairStageOptions = {
  model_name_or_path: '',
  ...MODEL_OPTION_DEFAULTS,
  ...LORA_OPTION_DEFAULTS,
  lora_alpha: 16,
  ...MOE_OPTION_DEFAULTS,
  ...PREFERENCE_DATA_DEFAULTS,
  truncation_mode: 'keep_start',
};

/**
 * dpo_training.py's and orpo_training.py's TrainingArguments defaults. Their weight_decay 0.05 is never
 * passed to TRL, so TRL's 0 applies; their fp16 default is left to --fp16 / --bf16.
 */
export const PREFERENCE_TRAINING_DEFAULTS: Partial<TrainingArguments> = {
  per_device_train_batch_size: 4,
  per_device_eval_batch_size: 1,
  gradient_accumulation_steps: 4,
  learning_rate: 5e-4,
  lr_scheduler_type: 'cosine',
  warmup_steps: 100,
  gradient_checkpointing: true,
  max_steps: 200,
  logging_steps: 1,
  save_steps: 50,
  eval_steps: 50,
  eval_strategy: 'steps',
};

export function checkPairStageOptions(o: PairStageOptions): void {
  checkModelOptions(o);
  checkLoraOptions(o);
  checkKbitTraining(o);
  checkMoeOptions(o);
  checkPreferenceDataOptions(o);
  checkOption(
    'truncation_mode',
    o.truncation_mode,
    (TRUNCATION_MODES as readonly string[]).includes(o.truncation_mode),
    TRUNCATION_MODES.join(' or '),
  );
}

export const PAIR_STAGE_DOCS: Record<keyof PairStageOptions, OptionDoc> = {
  ...MODEL_OPTION_DOCS,
  ...LORA_OPTION_DOCS,
  ...MOE_OPTION_DOCS,
  ...PREFERENCE_DATA_DOCS,
  truncation_mode: {
    kind: 'string',
    choices: TRUNCATION_MODES,
    help: 'which end of prompt + answer survives the cut to max length',
  },
};

/** TRL's max_length: MedicalGPT's max_source_length + max_target_length. */
export function pairMaxLength(o: PreferenceDataOptions): number {
  return o.max_source_length + o.max_target_length;
}
