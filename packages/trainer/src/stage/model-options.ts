/** transformers' torch_dtype values: the precision the weights are rounded to when loaded. */
export const TORCH_DTYPES = ['auto', 'bfloat16', 'float16', 'float32'] as const;
export type TorchDtype = (typeof TORCH_DTYPES)[number];

/** MedicalGPT's ModelArguments that mean something here (the others are CLI no-ops). */
export interface ModelOptions {
  /**
   * A local Hugging Face model directory (config.json, safetensors, tokenizer files), or a Hub id
   * `org/name[@revision]` found in the Hugging Face cache or downloaded into it. Required.
   */
  model_name_or_path: string;
  /** The tokenizer's directory or Hub id when it is not the model's (default: model_name_or_path). */
  tokenizer_name_or_path: string | null;
  /**
   * Precision the weights are loaded in: 'auto' keeps config.json's. Compute on cpu/wasm is float32
   * either way; full fine-tuning trains float32 copies, as MedicalGPT's `model.float()` does.
   */
  torch_dtype: TorchDtype | null;
  /**
   * With --load_in_4bit: QLoRA's 4-bit type, NF4 with double quantisation (MedicalGPT's
   * `BitsAndBytesConfig(bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True)`); without it,
   * 4-bit is bitsandbytes' default FP4. With --load_in_8bit it changes nothing. Alone it is refused:
   * it quantises nothing by itself.
   */
  qlora: boolean;
  /** Load the decoder's linear weights in 8 bits (LLM.int8()); needs LoRA (--use_peft). */
  load_in_8bit: boolean;
  /** Load the decoder's linear weights in 4 bits (FP4, or NF4 with --qlora); needs LoRA (--use_peft). */
  load_in_4bit: boolean;
}

/** MedicalGPT's ScriptArguments for LoRA (pretraining.py and supervised_finetuning.py). */
export interface LoraOptions {
  /** Train LoRA adapters (MedicalGPT's default) instead of every weight. Default true. */
  use_peft: boolean;
  /** Comma-separated linear module names, or `all` (default): every linear but lm_head. */
  target_modules: string;
  /** LoRA rank r (default 8). */
  lora_rank: number;
  /** LoRA dropout (default 0.05). */
  lora_dropout: number;
  /** LoRA alpha; scaling = alpha / r (default 32). */
  lora_alpha: number;
  /** Comma-separated modules trained in full and saved with the adapter, e.g. `embed_tokens,lm_head`. */
  modules_to_save: string | null;
  /** An existing adapter (directory or Hub id) to continue training (loaded trainable). */
  peft_path: string | null;
}

export const MODEL_OPTION_DEFAULTS: Omit<ModelOptions, 'model_name_or_path'> = {
  tokenizer_name_or_path: null,
  torch_dtype: null,
  qlora: false,
  load_in_8bit: false,
  load_in_4bit: false,
};

export const LORA_OPTION_DEFAULTS: LoraOptions = {
  use_peft: true,
  target_modules: 'all',
  lora_rank: 8,
  lora_dropout: 0.05,
  lora_alpha: 32,
  modules_to_save: null,
  peft_path: null,
};
