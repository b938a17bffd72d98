import {
  checkDataFileOptions,
  checkOption,
  checkTemplateOptions,
  isInteger,
  STRICT_DATA_DOC,
  type DataFileOptions,
  type OptionDoc,
  type TemplateOptions,
} from '@medgpt/trainer';

/** The data arguments of reward_modeling.py, dpo_training.py and orpo_training.py (and ours for CPO/KTO). */
export interface PreferenceDataOptions extends DataFileOptions, TemplateOptions {
  /** Share of the rows held out (the first p%) when there is no validation dir (default 1). */
  validation_split_percentage: number;
  /** Prompt budget (default 2048); prompt + answer is cut at max_source_length + max_target_length. */
  max_source_length: number;
  /** Answer budget (default 512). */
  max_target_length: number;
}

export const PREFERENCE_DATA_DEFAULTS: PreferenceDataOptions = {
  train_file_dir: '',
  validation_file_dir: null,
  max_train_samples: null,
  max_eval_samples: null,
  strict_data: false,
  validation_split_percentage: 1,
  template_name: null,
  tool_format: null,
  max_source_length: 2048,
  max_target_length: 512,
};

export function checkPreferenceDataOptions(o: PreferenceDataOptions): void {
  checkDataFileOptions(o, 'a directory of *.jsonl preference files or one file');
  checkOption(
    'validation_split_percentage',
    o.validation_split_percentage,
    isInteger(o.validation_split_percentage, 0) && o.validation_split_percentage < 100,
    'an integer in [0, 100)',
  );
  checkOption('max_source_length', o.max_source_length, isInteger(o.max_source_length, 1), 'an integer >= 1');
  checkOption('max_target_length', o.max_target_length, isInteger(o.max_target_length, 1), 'an integer >= 1');
  checkTemplateOptions(o);
}

export const PREFERENCE_DATA_DOCS: Record<keyof PreferenceDataOptions, OptionDoc> = {
  train_file_dir: {
    kind: 'string',
    metavar: 'DIR',
    help: 'training data: *.jsonl preference files (searched recursively) or one file',
  },
  validation_file_dir: {
    kind: 'string',
    metavar: 'DIR',
    help: 'evaluation data (default: the first --validation_split_percentage % of the training rows)',
  },
  max_train_samples: { kind: 'integer', metavar: 'N', help: 'keep N training rows' },
  max_eval_samples: { kind: 'integer', metavar: 'N', help: 'keep N evaluation rows' },
  strict_data: STRICT_DATA_DOC,
  validation_split_percentage: {
    kind: 'integer',
    metavar: 'P',
    help: 'percent of the training rows held out when there is no validation dir',
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
  max_source_length: { kind: 'integer', metavar: 'N', help: 'prompt budget (max length = source + target)' },
  max_target_length: { kind: 'integer', metavar: 'N', help: 'answer budget (max length = source + target)' },
};
