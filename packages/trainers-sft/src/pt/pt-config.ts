import {
  checkDataFileOptions,
  checkKbitTraining,
  checkLoraOptions,
  checkMoeOptions,
  checkModelOptions,
  checkOption,
  isInteger,
  LORA_OPTION_DEFAULTS,
  LORA_OPTION_DOCS,
  MOE_OPTION_DEFAULTS,
  MOE_OPTION_DOCS,
  MODEL_OPTION_DEFAULTS,
  MODEL_OPTION_DOCS,
  resolveStageConfig,
  STRICT_DATA_DOC,
  type LoraOptions,
  type MoeOptions,
  type ModelOptions,
  type OptionDoc,
  type TrainingArguments,
} from '@medgpt/trainer';
import { SHIFT_ATTN_DOC } from '../stage/shift-attn.js';

/** pretraining.py's DataArguments and ScriptArguments, with MedicalGPT's defaults. */
export interface PtOptions extends ModelOptions, LoraOptions, MoeOptions {
  /** A directory searched recursively for *.txt and *.jsonl (`text` field), or one file. Required. */
  train_file_dir: string;
  validation_file_dir: string | null;
  /** Keep the first N training blocks. */
  max_train_samples: number | null;
  max_eval_samples: number | null;
  /** Stop before training when any record or row would be skipped (default false). */
  strict_data: boolean;
  /** Tokens per block (default 1024), capped at the tokenizer's model_max_length. */
  block_size: number;
  /** Share of the rows held out (the first p%) when there is no validation dir (default 1). */
  validation_split_percentage: number;
  /** Keep line breaks of .txt lines (default true). */
  keep_linebreaks: boolean;
  /**
   * true (default): concatenate texts with EOS between documents and cut into block_size blocks;
   * false: one padded row per text (padding takes no loss here; MedicalGPT trains on it).
   */
  packing: boolean;
  /**
   * --packing false only. true (default): padding takes no loss. false: every text is padded to
   * block_size with the pad ids as labels, so the loss includes padding, as MedicalGPT's pretraining.py
   * computes it (its bug, kept for reproduction).
   */
  mask_pad_labels: boolean;
  /**
   * LongLoRA's shifted sparse attention (S²-Attn) in training steps (MedicalGPT's --shift_attn, a no-op
   * there since its patch was removed); see SHIFT_ATTN_DOC. Default false.
   */
  shift_attn: boolean;
}

export type PtConfig = PtOptions & TrainingArguments;
export type PtConfigInput = Partial<PtConfig> & Pick<PtConfig, 'model_name_or_path' | 'train_file_dir'>;

export const PT_DEFAULTS: PtOptions = {
  model_name_or_path: '',
  ...MODEL_OPTION_DEFAULTS,
  ...LORA_OPTION_DEFAULTS,
  ...MOE_OPTION_DEFAULTS,
  train_file_dir: '',
  validation_file_dir: null,
  max_train_samples: null,
  max_eval_samples: null,
  strict_data: false,
  block_size: 1024,
  validation_split_percentage: 1,
  keep_linebreaks: true,
  packing: true,
  mask_pad_labels: true,
  shift_attn: false,
};

export function resolvePtConfig(input: PtConfigInput): PtConfig {
  return resolveStageConfig(input as Record<string, unknown>, PT_DEFAULTS, 'pt', checkPtOptions);
}

function checkPtOptions(o: PtOptions): void {
  checkModelOptions(o);
  checkLoraOptions(o);
  checkMoeOptions(o);
  checkKbitTraining(o);
  checkDataFileOptions(o, 'a directory of *.txt / *.jsonl files or one file');
  checkOption('block_size', o.block_size, isInteger(o.block_size, 2), 'an integer >= 2');
  checkOption(
    'validation_split_percentage',
    o.validation_split_percentage,
    isInteger(o.validation_split_percentage, 0) && o.validation_split_percentage < 100,
    'an integer in [0, 100)',
  );
  for (const key of ['keep_linebreaks', 'packing', 'mask_pad_labels', 'shift_attn'] as const)
    checkOption(key, o[key], typeof o[key] === 'boolean', 'true or false');
}

/** One line of help per PT option, for the CLI. */
export const PT_OPTION_DOCS: Record<keyof PtOptions, OptionDoc> = {
  ...MODEL_OPTION_DOCS,
  ...LORA_OPTION_DOCS,
  ...MOE_OPTION_DOCS,
  train_file_dir: {
    kind: 'string',
    metavar: 'DIR',
    help: 'training text: *.txt lines and *.jsonl "text" fields (searched recursively), or one file',
  },
  validation_file_dir: {
    kind: 'string',
    metavar: 'DIR',
    help: 'evaluation text (default: the first --validation_split_percentage % of the rows)',
  },
  max_train_samples: { kind: 'integer', metavar: 'N', help: 'keep the first N training blocks' },
  strict_data: STRICT_DATA_DOC,
  max_eval_samples: { kind: 'integer', metavar: 'N', help: 'keep the first N evaluation blocks' },
  block_size: {
    kind: 'integer',
    metavar: 'N',
    help: "tokens per block (capped at the tokenizer's model_max_length)",
  },
  validation_split_percentage: {
    kind: 'integer',
    metavar: 'P',
    help: 'percent of the rows held out when there is no validation dir',
  },
  keep_linebreaks: { kind: 'boolean', help: 'keep the line break of each .txt line' },
  packing: {
    kind: 'boolean',
    help: 'concatenate texts (EOS between) into blocks; false: one padded row per text',
  },
  mask_pad_labels: {
    kind: 'boolean',
    help: 'with --packing false, padding takes no loss; false pads every text to --block_size and trains on the pad labels: reproduces MedicalGPT, including its bug',
  },
  shift_attn: SHIFT_ATTN_DOC,
};
