import {
  checkOption,
  ConfigError,
  isNonEmptyString,
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

/** TRL KTOConfig's knobs over the shared preference options (MedicalGPT has no KTO script). */
export interface KtoOptions extends PairStageOptions {
  /** β (TRL default 0.1). */
  beta: number;
  /** λ_D: weight of the desirable rows' losses (default 1). */
  desirable_weight: number;
  /** λ_U: weight of the undesirable rows' losses (default 1). */
  undesirable_weight: number;
  /** A separate frozen reference model dir (default: the base with adapters off, or a frozen copy). */
  reference_model: string | null;
}

export type KtoConfig = KtoOptions & TrainingArguments;
export type KtoConfigInput = Partial<KtoConfig> & Pick<KtoConfig, 'model_name_or_path' | 'train_file_dir'>;

export const KTO_DEFAULTS: KtoOptions = {
  ...PAIR_STAGE_DEFAULTS,
  beta: 0.1,
  desirable_weight: 1,
  undesirable_weight: 1,
  reference_model: null,
};

export const KTO_TRAINING_DEFAULTS: Partial<TrainingArguments> = {
  ...PREFERENCE_TRAINING_DEFAULTS,
  output_dir: 'outputs-kto',
};

export function resolveKtoConfig(input: KtoConfigInput): KtoConfig {
  const config = resolveStageConfig(
    input as Record<string, unknown>,
    KTO_DEFAULTS,
    'kto',
    checkKtoOptions,
    KTO_TRAINING_DEFAULTS,
  );
  if (config.per_device_train_batch_size < 2) {
    throw new ConfigError(
      'per_device_train_batch_size',
      config.per_device_train_batch_size,
      'an integer >= 2',
      "KTO's KL estimate pairs each prompt with another row's completion of the same batch",
    );
  }
  return config;
}

function checkKtoOptions(o: KtoOptions): void {
  checkPairStageOptions(o);
  checkOption('beta', o.beta, isNumberIn(o.beta, Number.MIN_VALUE, Infinity), 'a number > 0');
  for (const key of ['desirable_weight', 'undesirable_weight'] as const)
    checkOption(key, o[key], isNumberIn(o[key], Number.MIN_VALUE, Infinity), 'a number > 0');
  checkOption(
    'reference_model',
    o.reference_model,
    o.reference_model === null || isNonEmptyString(o.reference_model),
    'a model directory',
  );
}

export const KTO_OPTION_DOCS: Record<keyof KtoOptions, OptionDoc> = {
  ...PAIR_STAGE_DOCS,
  beta: { kind: 'number', help: 'β: strength of the KL constraint to the reference' },
  desirable_weight: { kind: 'number', help: 'λ_D: weight of desirable (label true) rows' },
  undesirable_weight: { kind: 'number', help: 'λ_U: weight of undesirable (label false) rows' },
  reference_model: {
    kind: 'string',
    metavar: 'DIR',
    help: 'a separate frozen reference model (default: the base with adapters off / a frozen copy)',
  },
};
