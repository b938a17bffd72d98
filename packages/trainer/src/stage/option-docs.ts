import type { OptionDoc } from '../training-argument-docs.js';
import { TORCH_DTYPES, type LoraOptions, type ModelOptions } from './model-options.js';

/** Help for MedicalGPT's ModelArguments (defaults: MODEL_OPTION_DEFAULTS and each stage's). */
export const MODEL_OPTION_DOCS: Record<keyof ModelOptions, OptionDoc> = {
  model_name_or_path: {
    kind: 'string',
    metavar: 'DIR',
    help: 'the base model: a local Hugging Face model directory, or a Hub id org/name[@revision]',
  },
  tokenizer_name_or_path: {
    kind: 'string',
    metavar: 'DIR',
    help: "the tokenizer's directory or Hub id (default: the model's)",
  },
  torch_dtype: {
    kind: 'string',
    choices: TORCH_DTYPES,
    help: 'precision the weights are loaded in (compute is fp32 on cpu/wasm)',
  },
  qlora: {
    kind: 'boolean',
    help: 'QLoRA: with --load_in_4bit, NF4 + double quantisation instead of FP4',
  },
  load_in_8bit: {
    kind: 'boolean',
    help: 'load the base linear weights in 8 bits (LLM.int8()) and train LoRA on top',
  },
  load_in_4bit: {
    kind: 'boolean',
    help: 'load the base linear weights in 4 bits (FP4; NF4 with --qlora) and train LoRA on top',
  },
};

/** Help for MedicalGPT's LoRA ScriptArguments. */
export const LORA_OPTION_DOCS: Record<keyof LoraOptions, OptionDoc> = {
  use_peft: { kind: 'boolean', help: 'train LoRA adapters (true) or every weight (false)' },
  target_modules: {
    kind: 'string',
    metavar: 'NAMES',
    help: 'LoRA target modules: all, or comma-separated names (q_proj,v_proj)',
  },
  lora_rank: { kind: 'integer', metavar: 'R', help: 'LoRA rank' },
  lora_dropout: { kind: 'number', help: 'LoRA dropout' },
  lora_alpha: { kind: 'number', help: 'LoRA alpha (scaling = alpha / rank)' },
  modules_to_save: {
    kind: 'string',
    metavar: 'NAMES',
    help: 'modules trained in full with the adapter, e.g. embed_tokens,lm_head',
  },
  peft_path: {
    kind: 'string',
    metavar: 'DIR',
    help: 'an existing adapter (directory or Hub id) to continue training',
  },
};
