import {
  checkOption,
  ConfigError,
  isNonEmptyString,
  isNumberIn,
  resolveStageConfig,
  type OptionDoc,
  type TrainingArguments,
} from '@medgpt/trainer';
import { DPO_LOSS_TYPES, type DpoLossType } from '../losses/dpo-loss.js';
import {
  checkPairStageOptions,
  PAIR_STAGE_DEFAULTS,
  PAIR_STAGE_DOCS,
  PREFERENCE_TRAINING_DEFAULTS,
  type PairStageOptions,
} from '../config/pair-stage-options.js';

/**
 * dpo_training.py's ScriptArguments, plus the DPOConfig knobs MedicalGPT leaves out (beta, loss_type ...:
 * its script silently runs TRL's defaults, β 0.1 sigmoid).
 */
export interface DpoOptions extends PairStageOptions {
  /** β, the strength of the KL constraint to the reference (default 0.1). */
  beta: number;
  /**
   * TRL's loss type (default sigmoid), or several comma-separated, e.g. `sigmoid,sft`, whose losses are
   * summed with loss_weights (MPO-style mixtures).
   */
  loss_type: string;
  /** Comma-separated weights of the loss types (default: 1 each). */
  loss_weights: string | null;
  /** ε: cDPO label smoothing (sigmoid), robust DPO's noise rate, EXO's ε (default 0). */
  label_smoothing: number;
  /** DiscoPOP's temperature τ (default 0.05). */
  discopop_tau: number;
  /** One reference pass before training; the reference is not kept on the device during it. */
  precompute_ref_log_probs: boolean;
  /** A separate frozen reference model dir (default: the base with adapters off, or a frozen copy). */
  reference_model: string | null;
}

export type DpoConfig = DpoOptions & TrainingArguments;
export type DpoConfigInput = Partial<DpoConfig> & Pick<DpoConfig, 'model_name_or_path' | 'train_file_dir'>;

export const DPO_DEFAULTS: DpoOptions = {
  ...PAIR_STAGE_DEFAULTS,
  // dpo_training.py's target_modules is None, for which peft picks q_proj,v_proj on these
  // architectures (run_dpo.sh passes --target_modules all).
  target_modules: 'q_proj,v_proj',
  beta: 0.1,
  loss_type: 'sigmoid',
  loss_weights: null,
  label_smoothing: 0,
  discopop_tau: 0.05,
  precompute_ref_log_probs: false,
  reference_model: null,
};

/** dpo_training.py's TrainingArguments defaults. */
export const DPO_TRAINING_DEFAULTS: Partial<TrainingArguments> = {
  ...PREFERENCE_TRAINING_DEFAULTS,
  output_dir: 'outputs-dpo',
};

export function resolveDpoConfig(input: DpoConfigInput): DpoConfig {
  return resolveStageConfig(
    input as Record<string, unknown>,
    DPO_DEFAULTS,
    'dpo',
    checkDpoOptions,
    DPO_TRAINING_DEFAULTS,
  );
}

/** The loss types and their weights, from `loss_type` and `loss_weights`. */
export function dpoLossMix(
  o: Pick<DpoOptions, 'loss_type' | 'loss_weights'>,
): { type: DpoLossType; weight: number }[] {
  const types = o.loss_type.split(',').map((t) => t.trim());
  const weights = o.loss_weights === null ? types.map(() => 1) : o.loss_weights.split(',').map(Number);
  return types.map((type, i) => ({ type: type as DpoLossType, weight: weights[i]! }));
}

function checkDpoOptions(o: DpoOptions): void {
  checkPairStageOptions(o);
  checkOption('beta', o.beta, isNumberIn(o.beta, Number.MIN_VALUE, Infinity), 'a number > 0');
  checkOption('loss_type', o.loss_type, isNonEmptyString(o.loss_type), `one of ${DPO_LOSS_TYPES.join(', ')}`);
  const types = o.loss_type.split(',').map((t) => t.trim());
  for (const t of types) {
    checkOption(
      'loss_type',
      o.loss_type,
      (DPO_LOSS_TYPES as readonly string[]).includes(t),
      `one of ${DPO_LOSS_TYPES.join(', ')} (or several, comma-separated)`,
      t === 'orpo'
        ? 'ORPO is its own trainer: medgpt orpo'
        : t === 'simpo'
          ? 'SimPO is medgpt simpo'
          : undefined,
    );
  }
  if (o.loss_weights !== null) {
    const w = o.loss_weights.split(',').map(Number);
    if (w.length !== types.length || !w.every((x) => Number.isFinite(x))) {
      throw new ConfigError(
        'loss_weights',
        o.loss_weights,
        `${types.length} comma-separated numbers, one per loss type (${types.join(', ')})`,
      );
    }
  }
  const robust = types.includes('robust');
  checkOption(
    'label_smoothing',
    o.label_smoothing,
    isNumberIn(o.label_smoothing, 0, robust ? 0.5 : 1, true),
    robust ? 'a number in [0, 0.5) for the robust loss' : 'a number in [0, 1)',
  );
  checkOption(
    'discopop_tau',
    o.discopop_tau,
    isNumberIn(o.discopop_tau, Number.MIN_VALUE, Infinity),
    'a number > 0',
  );
  checkOption(
    'precompute_ref_log_probs',
    o.precompute_ref_log_probs,
    typeof o.precompute_ref_log_probs === 'boolean',
    'true or false',
  );
  checkOption(
    'reference_model',
    o.reference_model,
    o.reference_model === null || isNonEmptyString(o.reference_model),
    'a model directory',
  );
}

export const DPO_OPTION_DOCS: Record<keyof DpoOptions, OptionDoc> = {
  ...PAIR_STAGE_DOCS,
  beta: { kind: 'number', help: 'β: strength of the KL constraint to the reference (TRL default 0.1)' },
  loss_type: {
    kind: 'string',
    metavar: 'TYPE',
    help: `DPO loss (${DPO_LOSS_TYPES.join(', ')}), or several comma-separated`,
  },
  loss_weights: { kind: 'string', metavar: 'W,...', help: 'weights of the loss types (default 1 each)' },
  label_smoothing: { kind: 'number', help: 'ε of cDPO (sigmoid), robust and exo_pair' },
  discopop_tau: { kind: 'number', help: 'τ of the discopop loss' },
  precompute_ref_log_probs: {
    kind: 'boolean',
    help: 'one reference pass before training; no reference forward or weights during it',
  },
  reference_model: {
    kind: 'string',
    metavar: 'DIR',
    help: 'a separate frozen reference model (default: the base with adapters off / a frozen copy)',
  },
};
