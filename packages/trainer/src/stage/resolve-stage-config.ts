import { ConfigError } from '../config-error.js';
import { resolveTrainingArguments } from '../resolve-training-arguments.js';
import type { OptionDoc } from '../training-argument-docs.js';
import { DEFAULT_TRAINING_ARGUMENTS, type TrainingArguments } from '../training-arguments.js';
import { checkOption, isNonEmptyString, isNumberIn, isInteger, isOptionalInteger } from './check-option.js';
import { TORCH_DTYPES, type LoraOptions, type ModelOptions } from './model-options.js';

/**
 * A stage's flat config (its own options + TrainingArguments) from what the caller set: defaults
 * filled in, every option checked, unknown keys refused (naming the closest valid one).
 */
export function resolveStageConfig<S extends object>(
  input: Record<string, unknown>,
  stageDefaults: S,
  stage: string,
  checkStage: (options: S) => void,
  /** The stage's own TrainingArguments defaults (MedicalGPT's dpo_training.py sets max_steps 200 ...). */
  trainingDefaults: Partial<TrainingArguments> = {},
): S & TrainingArguments {
  const trainingKeys = new Set(['output_dir', ...Object.keys(DEFAULT_TRAINING_ARGUMENTS)]);
  const options: Record<string, unknown> = { ...(stageDefaults as Record<string, unknown>) };
  const training: Record<string, unknown> = { output_dir: 'trainer_output', ...trainingDefaults };
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (key in stageDefaults) options[key] = value;
    else if (trainingKeys.has(key)) training[key] = value;
    else {
      const guess = closest(key, [...Object.keys(stageDefaults), ...trainingKeys]);
      throw new ConfigError(
        key,
        value,
        `an option of ${stage}`,
        guess ? `did you mean ${guess}?` : undefined,
      );
    }
  }
  const args = resolveTrainingArguments(training as unknown as TrainingArguments);
  checkStage(options as S);
  return { ...(options as S), ...args };
}

export function checkModelOptions(o: ModelOptions): void {
  checkOption(
    'model_name_or_path',
    o.model_name_or_path,
    isNonEmptyString(o.model_name_or_path),
    'a local model directory',
  );
  checkOption(
    'tokenizer_name_or_path',
    o.tokenizer_name_or_path,
    o.tokenizer_name_or_path === null || isNonEmptyString(o.tokenizer_name_or_path),
    'a tokenizer directory',
  );
  checkOption(
    'torch_dtype',
    o.torch_dtype,
    o.torch_dtype === null || (TORCH_DTYPES as readonly string[]).includes(o.torch_dtype),
    `one of ${TORCH_DTYPES.join(', ')}`,
  );
  for (const key of ['qlora', 'load_in_8bit', 'load_in_4bit'] as const)
    checkOption(key, o[key], typeof o[key] === 'boolean', 'true or false');
  if (o.load_in_4bit && o.load_in_8bit) {
    throw new ConfigError('load_in_8bit', true, 'false with --load_in_4bit', 'choose 4 or 8 bits');
  }
  if (o.qlora && !o.load_in_4bit && !o.load_in_8bit) {
    throw new ConfigError(
      'qlora',
      true,
      'set together with --load_in_4bit (or --load_in_8bit)',
      'alone it quantises nothing (MedicalGPT then trains in full precision without a word); add --load_in_4bit for QLoRA',
    );
  }
}

/** k-bit loading trains adapters over frozen quantised weights: it needs LoRA. */
export function checkKbitTraining(o: ModelOptions & LoraOptions): void {
  const flag = o.load_in_4bit ? 'load_in_4bit' : o.load_in_8bit ? 'load_in_8bit' : null;
  if (flag !== null && !o.use_peft) {
    throw new ConfigError(
      flag,
      true,
      'used with --use_peft true',
      'quantised weights are frozen; train LoRA adapters on top of them, or load in full precision for full fine-tuning',
    );
  }
}

export function checkLoraOptions(o: LoraOptions): void {
  checkOption('use_peft', o.use_peft, typeof o.use_peft === 'boolean', 'true or false');
  checkOption(
    'target_modules',
    o.target_modules,
    isNonEmptyString(o.target_modules),
    '`all` or comma-separated module names such as q_proj,v_proj',
  );
  checkOption('lora_rank', o.lora_rank, isInteger(o.lora_rank, 1), 'an integer >= 1');
  checkOption(
    'lora_alpha',
    o.lora_alpha,
    isNumberIn(o.lora_alpha, Number.MIN_VALUE, Infinity),
    'a number > 0',
  );
  checkOption('lora_dropout', o.lora_dropout, isNumberIn(o.lora_dropout, 0, 1, true), 'a number in [0, 1)');
  checkOption(
    'modules_to_save',
    o.modules_to_save,
    o.modules_to_save === null || isNonEmptyString(o.modules_to_save),
    'comma-separated module names such as embed_tokens,lm_head',
  );
  checkOption(
    'peft_path',
    o.peft_path,
    o.peft_path === null || isNonEmptyString(o.peft_path),
    'an adapter directory',
  );
  if (!o.use_peft && o.peft_path !== null) {
    throw new ConfigError(
      'peft_path',
      o.peft_path,
      'unset when --use_peft is false',
      'an adapter is only trained with --use_peft true',
    );
  }
}

function closest(key: string, names: string[]): string | undefined {
  const plain = (s: string) => s.toLowerCase().replace(/[-_]/g, '');
  return (
    names.find((n) => plain(n) === plain(key)) ??
    names.find((n) => plain(n).includes(plain(key)) || plain(key).includes(plain(n)))
  );
}

/** The data options every training stage shares. */
export interface DataFileOptions {
  train_file_dir: string;
  validation_file_dir: string | null;
  max_train_samples: number | null;
  max_eval_samples: number | null;
  /** Stop before training when any record or row would be skipped (default false: skip and report). */
  strict_data: boolean;
}

/** The help of --strict_data, for every stage's option docs. */
export const STRICT_DATA_DOC: OptionDoc = {
  kind: 'boolean',
  help: 'stop before training when any record or row would be skipped (default: skip them, listed in the log)',
};

/** Checks the data options; `trainFiles` says what train_file_dir must hold, for the error. */
export function checkDataFileOptions(o: DataFileOptions, trainFiles: string): void {
  checkOption('train_file_dir', o.train_file_dir, isNonEmptyString(o.train_file_dir), trainFiles);
  checkOption(
    'validation_file_dir',
    o.validation_file_dir,
    o.validation_file_dir === null || isNonEmptyString(o.validation_file_dir),
    'a directory or file',
  );
  checkOption(
    'max_train_samples',
    o.max_train_samples,
    isOptionalInteger(o.max_train_samples, 1),
    'an integer >= 1',
  );
  checkOption(
    'max_eval_samples',
    o.max_eval_samples,
    isOptionalInteger(o.max_eval_samples, 1),
    'an integer >= 1',
  );
  checkOption('strict_data', o.strict_data, typeof o.strict_data === 'boolean', 'true or false');
}
