/**
 * MedicalGPT's demo/inference.py options, under its names: the model, adapter, tokenizer, template,
 * system prompt, stop string and generation settings. Generation settings left unset come from the
 * model's generation_config.json, then from inference.py's defaults.
 */
export interface InferenceSettings {
  /** Model directory, or whatever `resolveDir` turns into one (a Hub id). */
  base_model: string;
  lora_model?: string;
  tokenizer_path?: string;
  template_name?: string;
  system_prompt?: string;
  stop_str?: string;
  max_new_tokens?: number;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  repetition_penalty?: number;
  do_sample?: boolean;
  seed?: number;
  resize_emb?: boolean;
  load_in_8bit?: boolean;
  load_in_4bit?: boolean;
}

/** What a model, tokenizer or adapter reference names, for resolvers that look them up (Hub ids). */
export interface DirRequest {
  readonly kind: 'model' | 'tokenizer' | 'adapter';
  /** The setting it came from (`base_model`), for messages. */
  readonly option: string;
}

/** Turns a setting's value (a directory or an id) into a local directory. */
export type ResolveDir = (idOrPath: string, request: DirRequest) => Promise<string>;
