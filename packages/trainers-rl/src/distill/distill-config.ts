import {
  checkOption,
  checkTemplateOptions,
  isInteger,
  isNonEmptyString,
  isNumberIn,
  resolveStageConfig,
  type OptionDoc,
  type TrainingArguments,
} from '@medgpt/trainer';
import {
  checkTrlModelOptions,
  TRL_MODEL_DEFAULTS,
  TRL_MODEL_DOCS,
  type TrlModelOptions,
} from '../config/trl-model-options.js';

/** opd_training.py's arguments (MedicalGPT's names) and TRL's GKDConfig knobs. */
export interface DistillOptions extends TrlModelOptions {
  /** The teacher: a model directory or Hub id sharing the student's tokenizer. Required. */
  teacher_model_name_or_path: string;
  teacher_load_in_4bit: boolean;
  teacher_load_in_8bit: boolean;
  /** Conversations (SFT data): one sample per assistant turn. */
  train_file_dir: string;
  template_name: string | null;
  tool_format: string | null;
  max_prompt_length: number;
  /** New tokens the student samples per completion. */
  max_new_tokens: number;
  temperature: number;
  /** λ: share of steps on the student's own samples (TRL's lmbda). */
  opd_lambda: number;
  /** β: 0 forward KL, 1 reverse KL, between: generalised JSD (TRL's beta). */
  opd_beta: number;
}

export type DistillConfig = DistillOptions & TrainingArguments;
export type DistillConfigInput = Partial<DistillConfig> &
  Pick<DistillConfig, 'model_name_or_path' | 'teacher_model_name_or_path' | 'train_file_dir'>;

export const DISTILL_DEFAULTS: DistillOptions = {
  ...TRL_MODEL_DEFAULTS,
  teacher_model_name_or_path: '',
  teacher_load_in_4bit: false,
  teacher_load_in_8bit: false,
  train_file_dir: '',
  template_name: null,
  tool_format: null,
  max_prompt_length: 1024,
  max_new_tokens: 128,
  temperature: 0.9,
  opd_lambda: 0.5,
  opd_beta: 0.5,
};

/** opd_training.py's run script values where TRL's defaults would not do. */
export const DISTILL_TRAINING_DEFAULTS: Partial<TrainingArguments> = {
  output_dir: 'outputs-opd',
  learning_rate: 5e-5,
  logging_steps: 10,
  per_device_train_batch_size: 2,
  eval_strategy: 'no',
};

export function resolveDistillConfig(input: DistillConfigInput): DistillConfig {
  return resolveStageConfig(
    input as Record<string, unknown>,
    DISTILL_DEFAULTS,
    'distill',
    checkDistillOptions,
    DISTILL_TRAINING_DEFAULTS,
  );
}

function checkDistillOptions(o: DistillOptions): void {
  checkTrlModelOptions(o);
  checkOption(
    'teacher_model_name_or_path',
    o.teacher_model_name_or_path,
    isNonEmptyString(o.teacher_model_name_or_path),
    'the teacher: a model directory or Hub id',
  );
  checkOption(
    'train_file_dir',
    o.train_file_dir,
    isNonEmptyString(o.train_file_dir),
    'conversations (SFT data)',
  );
  checkTemplateOptions(o);
  checkOption('max_prompt_length', o.max_prompt_length, isInteger(o.max_prompt_length, 1), 'an integer >= 1');
  checkOption('max_new_tokens', o.max_new_tokens, isInteger(o.max_new_tokens, 1), 'an integer >= 1');
  checkOption(
    'temperature',
    o.temperature,
    isNumberIn(o.temperature, Number.MIN_VALUE, Infinity),
    'a number > 0',
  );
  checkOption('opd_lambda', o.opd_lambda, isNumberIn(o.opd_lambda, 0, 1), 'a number in [0, 1]');
  checkOption('opd_beta', o.opd_beta, isNumberIn(o.opd_beta, 0, 1), 'a number in [0, 1]');
}

export const DISTILL_OPTION_DOCS: Record<keyof DistillOptions, OptionDoc> = {
  ...TRL_MODEL_DOCS,
  model_name_or_path: {
    kind: 'string',
    metavar: 'DIR',
    help: 'the student (trained): a model directory or Hub id',
  },
  teacher_model_name_or_path: {
    kind: 'string',
    metavar: 'DIR',
    help: "the teacher (frozen); it must share the student's tokenizer",
  },
  teacher_load_in_4bit: { kind: 'boolean', help: "load the teacher's linear weights in 4 bits (FP4)" },
  teacher_load_in_8bit: { kind: 'boolean', help: "load the teacher's linear weights in 8 bits" },
  train_file_dir: {
    kind: 'string',
    metavar: 'DIR',
    help: 'conversations (SFT data): one sample per assistant turn',
  },
  template_name: {
    kind: 'string',
    metavar: 'NAME',
    help: "a MedicalGPT template (default: the tokenizer's chat template)",
  },
  tool_format: { kind: 'string', metavar: 'NAME', help: 'tool-call format of the template (default none)' },
  max_prompt_length: { kind: 'integer', metavar: 'N', help: 'prompt tokens kept (cut on the left)' },
  max_new_tokens: { kind: 'integer', metavar: 'N', help: 'new tokens the student samples per completion' },
  temperature: {
    kind: 'number',
    help: 'sampling temperature, also applied to both models’ logits in the loss',
  },
  opd_lambda: {
    kind: 'number',
    help: "share of steps on the student's own samples (the rest: the data's answers)",
  },
  opd_beta: { kind: 'number', help: '0 forward KL, 1 reverse KL, between: generalised JSD' },
};
