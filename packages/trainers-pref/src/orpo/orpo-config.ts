import {
  checkOption,
  isNumberIn,
  resolveStageConfig,
  type OptionDoc,
  type TrainingArguments,
} from '@medgpt/trainer';
import {
  checkPairStageOptions,
  PAIR_STAGE_DEFAULTS,
  PAIR_STAGE_DOCS,
  PREFERENCE_TRAINING_DEFAULTS,
  type PairStageOptions,
} from '../config/pair-stage-options.js';

/** orpo_training.py's ScriptArguments. */
export interface OrpoOptions extends PairStageOptions {
  /** λ, the weight of the odds-ratio term against the chosen answer's NLL (default 0.1). */
  orpo_beta: number;
}

export type OrpoConfig = OrpoOptions & TrainingArguments;
export type OrpoConfigInput = Partial<OrpoConfig> & Pick<OrpoConfig, 'model_name_or_path' | 'train_file_dir'>;

export const ORPO_DEFAULTS: OrpoOptions = { ...PAIR_STAGE_DEFAULTS, orpo_beta: 0.1 };

/** orpo_training.py's TrainingArguments defaults (its output_dir default, outputs-dpo, is a copy-paste slip). */
export const ORPO_TRAINING_DEFAULTS: Partial<TrainingArguments> = {
  ...PREFERENCE_TRAINING_DEFAULTS,
  output_dir: 'outputs-orpo',
};

export function resolveOrpoConfig(input: OrpoConfigInput): OrpoConfig {
  return resolveStageConfig(
    input as Record<string, unknown>,
    ORPO_DEFAULTS,
    'orpo',
    checkOrpoOptions,
    ORPO_TRAINING_DEFAULTS,
  );
}

function checkOrpoOptions(o: OrpoOptions): void {
  checkPairStageOptions(o);
  checkOption('orpo_beta', o.orpo_beta, isNumberIn(o.orpo_beta, 0, Infinity), 'a number >= 0');
}

export const ORPO_OPTION_DOCS: Record<keyof OrpoOptions, OptionDoc> = {
  ...PAIR_STAGE_DOCS,
  orpo_beta: { kind: 'number', help: 'λ: weight of the odds-ratio term against the chosen NLL (ORPO paper)' },
};
