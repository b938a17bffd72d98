import type { DialogSplit } from '@medgpt/templates';
import {
  checkDataFileOptions,
  checkKbitTraining,
  checkLoraOptions,
  checkMoeOptions,
  checkModelOptions,
  checkOption,
  checkTemplateOptions,
  isInteger,
  isNumberIn,
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
import { NEFTUNE_SCALES, type NeftuneScale } from '../stage/neftune.js';
import { SHIFT_ATTN_DOC } from '../stage/shift-attn.js';

/** The two ways of cutting a chat template's output into turns (see @medgpt/templates' DialogSplit). */
export const DIALOG_SPLITS: readonly DialogSplit[] = ['robust', 'medicalgpt'];

/** supervised_finetuning.py's DataArguments and ScriptArguments, with MedicalGPT's defaults. */
export interface SftOptions extends ModelOptions, LoraOptions, MoeOptions {
  /** A directory searched recursively for *.jsonl (ShareGPT), or one file. Required. */
  train_file_dir: string;
  /** Evaluation data; without it validation_split_percentage of the training rows are held out. */
  validation_file_dir: string | null;
  /** Keep the first N training rows after MedicalGPT's seeded shuffle. */
  max_train_samples: number | null;
  max_eval_samples: number | null;
  /** Stop before training when any record or row would be skipped (default false). */
  strict_data: boolean;
  /** Share of the training rows held out when there is no validation dir (default 1). */
  validation_split_percentage: number;
  /** Masked labels are -100 (default) rather than the pad id. */
  ignore_pad_token_for_loss: boolean;
  /** Also learn the prompts (default false: only answers carry loss). */
  train_on_inputs: boolean;
  /** Longest tokenised row; turns are cut by MedicalGPT's proportional rule (default 512). */
  model_max_length: number;
  /** A MedicalGPT template name (qwen, vicuna ...); default: the tokenizer's chat template. */
  template_name: string | null;
  /** Tool-call format for agent data: default, qwen, glm4, llama3, mistral. */
  tool_format: string | null;
  /** NEFTune noise on the input embeddings in training; 0 (default) is off, 5 is the README's suggestion. */
  neft_alpha: number;
  /**
   * How NEFTune's noise is scaled: 'paper' (default) alpha / sqrt(L * d) with L the row's tokens, as
   * the paper and transformers do; 'medicalgpt' alpha / sqrt(V * d) with V the vocabulary size, as
   * MedicalGPT's own patch does (a far smaller noise).
   */
  neft_scale: NeftuneScale;
  /** Pack several samples per row (positions restart, attention stays inside each sample). Default false. */
  packing: boolean;
  /**
   * How the tokenizer's chat template is cut into turns: 'robust' (default) or 'medicalgpt', which
   * reproduces MedicalGPT byte for byte, including its bug: where a template rewrites history (Qwen3),
   * later user turns lose their header and first characters (reference §9.21).
   */
  chat_template_split: DialogSplit;
  /**
   * LongLoRA's shifted sparse attention (S²-Attn) in training steps (MedicalGPT's --shift_attn, a no-op
   * there since its patch was removed); see SHIFT_ATTN_DOC. Default false.
   */
  shift_attn: boolean;
}

/** The SftTrainer's config: SFT options and TrainingArguments in one flat object. */
export type SftConfig = SftOptions & TrainingArguments;
/** What a caller sets: the required options and any overrides. */
export type SftConfigInput = Partial<SftConfig> & Pick<SftConfig, 'model_name_or_path' | 'train_file_dir'>;

export const SFT_DEFAULTS: SftOptions = {
  model_name_or_path: '',
  ...MODEL_OPTION_DEFAULTS,
  torch_dtype: 'float16', // supervised_finetuning.py's default
  ...LORA_OPTION_DEFAULTS,
  ...MOE_OPTION_DEFAULTS,
  train_file_dir: '',
  validation_file_dir: null,
  max_train_samples: null,
  max_eval_samples: null,
  strict_data: false,
  validation_split_percentage: 1,
  ignore_pad_token_for_loss: true,
  train_on_inputs: false,
  model_max_length: 512,
  template_name: null,
  tool_format: null,
  neft_alpha: 0,
  neft_scale: 'paper',
  packing: false,
  chat_template_split: 'robust',
  shift_attn: false,
};

/** Defaults filled in and every option checked (errors name the option, value and valid values). */
export function resolveSftConfig(input: SftConfigInput): SftConfig {
  return resolveStageConfig(input as Record<string, unknown>, SFT_DEFAULTS, 'sft', checkSftOptions);
}

function checkSftOptions(o: SftOptions): void {
  checkModelOptions(o);
  checkLoraOptions(o);
  checkMoeOptions(o);
  checkKbitTraining(o);
  checkDataFileOptions(o, 'a directory of *.jsonl files or one file');
  checkOption(
    'validation_split_percentage',
    o.validation_split_percentage,
    isInteger(o.validation_split_percentage, 0) && o.validation_split_percentage < 100,
    'an integer in [0, 100)',
  );
  checkOption('model_max_length', o.model_max_length, isInteger(o.model_max_length, 2), 'an integer >= 2');
  checkTemplateOptions(o);
  checkOption(
    'neft_alpha',
    o.neft_alpha,
    isNumberIn(o.neft_alpha, 0, Infinity),
    'a number >= 0 (0 = off; 5 is usual)',
  );
  checkOption(
    'neft_scale',
    o.neft_scale,
    (NEFTUNE_SCALES as readonly string[]).includes(o.neft_scale),
    `one of ${NEFTUNE_SCALES.join(', ')}`,
  );
  checkOption(
    'chat_template_split',
    o.chat_template_split,
    (DIALOG_SPLITS as readonly string[]).includes(o.chat_template_split),
    DIALOG_SPLITS.join(' or '),
  );
  for (const key of ['ignore_pad_token_for_loss', 'train_on_inputs', 'packing', 'shift_attn'] as const)
    checkOption(key, o[key], typeof o[key] === 'boolean', 'true or false');
}

/** One line of help per SFT option, for the CLI. */
export const SFT_OPTION_DOCS: Record<keyof SftOptions, OptionDoc> = {
  ...MODEL_OPTION_DOCS,
  ...LORA_OPTION_DOCS,
  ...MOE_OPTION_DOCS,
  train_file_dir: {
    kind: 'string',
    metavar: 'DIR',
    help: 'training data: *.jsonl ShareGPT files (searched recursively) or one file',
  },
  validation_file_dir: {
    kind: 'string',
    metavar: 'DIR',
    help: 'evaluation data (default: --validation_split_percentage of the training rows)',
  },
  max_train_samples: {
    kind: 'integer',
    metavar: 'N',
    help: 'keep N training rows (after the seeded shuffle)',
  },
  strict_data: STRICT_DATA_DOC,
  max_eval_samples: { kind: 'integer', metavar: 'N', help: 'keep N evaluation rows' },
  validation_split_percentage: {
    kind: 'integer',
    metavar: 'P',
    help: 'percent of the training rows held out when there is no validation dir',
  },
  ignore_pad_token_for_loss: { kind: 'boolean', help: 'masked labels are -100 (false: the pad id)' },
  train_on_inputs: { kind: 'boolean', help: 'also learn the prompts' },
  model_max_length: {
    kind: 'integer',
    metavar: 'N',
    help: 'longest tokenised row (turns are cut proportionally)',
  },
  template_name: {
    kind: 'string',
    metavar: 'NAME',
    help: "conversation template (qwen, vicuna, llama3 ...); default: the tokenizer's chat template",
  },
  tool_format: {
    kind: 'string',
    metavar: 'NAME',
    help: 'tool-call format for agent data: default, qwen, glm4, llama3, mistral',
  },
  neft_alpha: { kind: 'number', help: 'NEFTune noise alpha (0: off; 5 is usual)' },
  neft_scale: {
    kind: 'string',
    choices: NEFTUNE_SCALES,
    help: 'NEFTune scale: paper alpha/sqrt(L*d), or medicalgpt alpha/sqrt(V*d)',
  },
  packing: { kind: 'boolean', help: 'pack several samples per row (attention stays inside each sample)' },
  chat_template_split: {
    kind: 'string',
    choices: DIALOG_SPLITS,
    help: 'how the chat template is cut into turns; medicalgpt reproduces MedicalGPT, including its bug with templates that rewrite history (Qwen3)',
  },
  shift_attn: SHIFT_ATTN_DOC,
};
