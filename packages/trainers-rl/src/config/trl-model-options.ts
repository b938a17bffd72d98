import {
  checkKbitTraining,
  checkLoraOptions,
  checkModelOptions,
  checkOption,
  isNonEmptyString,
  TORCH_DTYPES,
  type LoraOptions,
  type ModelOptions,
  type OptionDoc,
  type TorchDtype,
} from '@medgpt/trainer';

/**
 * TRL's ModelConfig under its own names, as grpo_training.py and ppo_training.py take it (`--dtype`,
 * `--lora_r`, `--lora_target_modules` ...), plus MedicalGPT's `--tokenizer_name_or_path` and `--qlora`.
 */
export interface TrlModelOptions {
  model_name_or_path: string;
  tokenizer_name_or_path: string | null;
  /** The precision the weights are loaded in (TRL's default float32; 'auto' keeps the checkpoint's). */
  dtype: TorchDtype;
  use_peft: boolean;
  lora_r: number;
  lora_alpha: number;
  lora_dropout: number;
  /** Comma- or space-separated module names, or `all`; null: peft's default for the architecture (q_proj,v_proj). */
  lora_target_modules: string | null;
  lora_modules_to_save: string | null;
  /** Continue an adapter (MedicalGPT's peft_path). */
  peft_path: string | null;
  load_in_4bit: boolean;
  load_in_8bit: boolean;
  /** Accepted for MedicalGPT's command lines: its RL scripts quantise to NF4 + double quant whenever a load_in flag is set. */
  qlora: boolean;
}

export const TRL_MODEL_DEFAULTS: TrlModelOptions = {
  model_name_or_path: '',
  tokenizer_name_or_path: null,
  dtype: 'float32',
  use_peft: false,
  lora_r: 16,
  lora_alpha: 32,
  lora_dropout: 0.05,
  lora_target_modules: null,
  lora_modules_to_save: null,
  peft_path: null,
  load_in_4bit: false,
  load_in_8bit: false,
  qlora: false,
};

/** The model options under the names @medgpt/trainer's stage kit reads. */
export function stageModelOptions(o: TrlModelOptions): ModelOptions & LoraOptions {
  const targets =
    o.lora_target_modules
      ?.trim()
      .split(/[\s,]+/)
      .join(',') ?? 'q_proj,v_proj';
  return {
    model_name_or_path: o.model_name_or_path,
    tokenizer_name_or_path: o.tokenizer_name_or_path,
    torch_dtype: o.dtype,
    // grpo_training.py's BitsAndBytesConfig is NF4 + double quant for either flag.
    qlora: o.load_in_4bit || o.qlora,
    load_in_4bit: o.load_in_4bit,
    load_in_8bit: o.load_in_8bit,
    use_peft: o.use_peft,
    target_modules: targets,
    lora_rank: o.lora_r,
    lora_alpha: o.lora_alpha,
    lora_dropout: o.lora_dropout,
    modules_to_save:
      o.lora_modules_to_save
        ?.trim()
        .split(/[\s,]+/)
        .join(',') ?? null,
    peft_path: o.peft_path,
  };
}

export function checkTrlModelOptions(o: TrlModelOptions): void {
  checkOption(
    'lora_target_modules',
    o.lora_target_modules,
    o.lora_target_modules === null || isNonEmptyString(o.lora_target_modules),
    '`all` or module names such as q_proj,v_proj',
  );
  const stage = stageModelOptions(o);
  // The stage kit names its own options in errors; these flags have other names here.
  const renamed: Record<string, string> = {
    torch_dtype: 'dtype',
    target_modules: 'lora_target_modules',
    lora_rank: 'lora_r',
    modules_to_save: 'lora_modules_to_save',
  };
  try {
    checkModelOptions({ ...stage, qlora: o.qlora });
    checkLoraOptions(stage);
    checkKbitTraining(stage);
  } catch (err) {
    const e = err as Error;
    const m = /^--(\w+) /.exec(e.message);
    if (m && renamed[m[1]!] !== undefined) e.message = e.message.replace(`--${m[1]}`, `--${renamed[m[1]!]}`);
    throw e;
  }
}

export const TRL_MODEL_DOCS: Record<keyof TrlModelOptions, OptionDoc> = {
  model_name_or_path: {
    kind: 'string',
    metavar: 'DIR',
    help: 'the policy to train (usually the SFT model): a model directory or a Hub id',
  },
  tokenizer_name_or_path: {
    kind: 'string',
    metavar: 'DIR',
    help: "the tokenizer's directory or Hub id (default: the model's)",
  },
  dtype: {
    kind: 'string',
    choices: TORCH_DTYPES,
    help: 'precision the weights are loaded in (TRL ModelConfig; compute is fp32 on cpu/wasm)',
  },
  use_peft: { kind: 'boolean', help: 'train LoRA adapters (true) or every weight (false, TRL default)' },
  lora_r: { kind: 'integer', metavar: 'R', help: 'LoRA rank' },
  lora_alpha: { kind: 'number', help: 'LoRA alpha (scaling = alpha / r)' },
  lora_dropout: { kind: 'number', help: 'LoRA dropout' },
  lora_target_modules: {
    kind: 'list',
    metavar: 'NAMES',
    help: 'LoRA targets: all, or names (q_proj,k_proj,... ; default q_proj,v_proj as peft)',
  },
  lora_modules_to_save: {
    kind: 'list',
    metavar: 'NAMES',
    help: 'modules trained in full with the adapter, e.g. lm_head',
  },
  peft_path: { kind: 'string', metavar: 'DIR', help: 'an existing adapter to continue training' },
  load_in_4bit: {
    kind: 'boolean',
    help: 'load the base linear weights in 4 bits (NF4 + double quant); LoRA on top',
  },
  load_in_8bit: { kind: 'boolean', help: 'load the base linear weights in 8 bits (LLM.int8()); LoRA on top' },
  qlora: { kind: 'boolean', help: "MedicalGPT's flag; the load_in flags already quantise as QLoRA does" },
};
