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
import { CPO_LOSS_TYPES, type CpoLossType } from '../losses/cpo-loss.js';

/** TRL CPOConfig's knobs over the shared preference options (MedicalGPT has no CPO/SimPO script). */
export interface CpoOptions extends PairStageOptions {
  /** β (TRL default 0.1; SimPO's paper uses 2.0-2.5). */
  beta: number;
  /** sigmoid (CPO), hinge, ipo, or simpo (length-normalised, with the target margin simpo_gamma). */
  loss_type: CpoLossType;
  /** SimPO's target reward margin γ. */
  simpo_gamma: number;
  /** Weight of the chosen answers' NLL; 0 is pure SimPO. */
  cpo_alpha: number;
  /** ε of the sigmoid and simpo losses. */
  label_smoothing: number;
}

export type CpoConfig = CpoOptions & TrainingArguments;
export type CpoConfigInput = Partial<CpoConfig> & Pick<CpoConfig, 'model_name_or_path' | 'train_file_dir'>;

/** `medgpt cpo`: TRL CPOConfig's defaults (sigmoid, β 0.1, cpo_alpha 1). */
export const CPO_DEFAULTS: CpoOptions = {
  ...PAIR_STAGE_DEFAULTS,
  beta: 0.1,
  loss_type: 'sigmoid',
  simpo_gamma: 0.5,
  cpo_alpha: 1,
  label_smoothing: 0,
};

/**
 * `medgpt simpo`: pure SimPO (no NLL term, cpo_alpha 0) with the SimPO paper's scale: β 2 and
 * γ 1 (γ/β = 0.5, in the range its Table 7 tunes over). TRL's CPOConfig would start from β 0.1, at
 * which a per-token-mean margin barely moves the sigmoid.
 */
export const SIMPO_DEFAULTS: CpoOptions = {
  ...CPO_DEFAULTS,
  loss_type: 'simpo',
  beta: 2,
  simpo_gamma: 1,
  cpo_alpha: 0,
};

export const CPO_TRAINING_DEFAULTS: Partial<TrainingArguments> = {
  ...PREFERENCE_TRAINING_DEFAULTS,
  output_dir: 'outputs-cpo',
};

export const SIMPO_TRAINING_DEFAULTS: Partial<TrainingArguments> = {
  ...PREFERENCE_TRAINING_DEFAULTS,
  output_dir: 'outputs-simpo',
};

/** CPO's config; `variant` 'simpo' starts from SIMPO_DEFAULTS. */
export function resolveCpoConfig(input: CpoConfigInput, variant: 'cpo' | 'simpo' = 'cpo'): CpoConfig {
  const simpo = variant === 'simpo';
  return resolveStageConfig(
    input as Record<string, unknown>,
    simpo ? SIMPO_DEFAULTS : CPO_DEFAULTS,
    variant,
    checkCpoOptions,
    simpo ? SIMPO_TRAINING_DEFAULTS : CPO_TRAINING_DEFAULTS,
  );
}

function checkCpoOptions(o: CpoOptions): void {
  checkPairStageOptions(o);
  checkOption('beta', o.beta, isNumberIn(o.beta, Number.MIN_VALUE, Infinity), 'a number > 0');
  checkOption(
    'loss_type',
    o.loss_type,
    (CPO_LOSS_TYPES as readonly string[]).includes(o.loss_type),
    `one of ${CPO_LOSS_TYPES.join(', ')}`,
  );
  checkOption('simpo_gamma', o.simpo_gamma, isNumberIn(o.simpo_gamma, 0, Infinity), 'a number >= 0');
  checkOption('cpo_alpha', o.cpo_alpha, isNumberIn(o.cpo_alpha, 0, Infinity), 'a number >= 0');
  checkOption(
    'label_smoothing',
    o.label_smoothing,
    isNumberIn(o.label_smoothing, 0, 0.5, true),
    'a number in [0, 0.5)',
  );
}

export const CPO_OPTION_DOCS: Record<keyof CpoOptions, OptionDoc> = {
  ...PAIR_STAGE_DOCS,
  beta: { kind: 'number', help: 'β: scale of the reward margin' },
  loss_type: {
    kind: 'string',
    choices: CPO_LOSS_TYPES,
    help: 'sigmoid (CPO), hinge, ipo, or simpo (mean log-probs, margin γ)',
  },
  simpo_gamma: { kind: 'number', help: "SimPO's target reward margin γ" },
  cpo_alpha: { kind: 'number', help: 'weight of the chosen NLL term (0: pure SimPO)' },
  label_smoothing: { kind: 'number', help: 'ε of the sigmoid and simpo losses' },
};
