import type { InferenceSettings } from '@medgpt/serving';
import { listConversationTemplates } from '@medgpt/templates';
import type { OptionSchema } from '../args/option-schema.js';
import { DEVICE_OPTION } from '../backend-init.js';

/**
 * The options `medgpt chat` and `medgpt predict` share: MedicalGPT's demo/inference.py flags (model,
 * adapter, tokenizer, template, system prompt, stop string, generation), plus `--backend`. Generation
 * flags left unset come from the model's generation_config.json, then from inference.py's defaults.
 */
export const INFERENCE_OPTIONS = {
  base_model: {
    type: 'string',
    required: true,
    metavar: 'DIR',
    description:
      'Hugging Face model directory (config.json, safetensors, tokenizer files), or a Hub id org/name[@revision]',
  },
  lora_model: {
    type: 'string',
    metavar: 'DIR',
    description: 'PEFT LoRA adapter directory or Hub id to apply (none: the base model alone)',
  },
  tokenizer_path: {
    type: 'string',
    metavar: 'DIR',
    description: 'tokenizer directory or Hub id (default --base_model)',
  },
  template_name: {
    type: 'string',
    choices: listConversationTemplates(),
    metavar: 'NAME',
    description:
      "a MedicalGPT template (vicuna, qwen, llama3, chatml...); default: the tokenizer's chat_template",
  },
  system_prompt: {
    type: 'string',
    default: '',
    description: 'system prompt (replaces the template default)',
  },
  stop_str: {
    type: 'string',
    metavar: 'TEXT',
    description: "text that ends an answer (default: the template's stop_str, else </s>)",
  },
  max_new_tokens: {
    type: 'integer',
    metavar: 'N',
    description: 'new tokens per answer (default generation_config.json, else 512)',
  },
  temperature: {
    type: 'number',
    metavar: 'T',
    description: 'sampling temperature, 0 = greedy (default generation_config.json, else 0.7)',
  },
  top_p: {
    type: 'number',
    metavar: 'P',
    description: 'nucleus sampling mass (default generation_config.json)',
  },
  top_k: {
    type: 'integer',
    metavar: 'K',
    description: 'sample among the K likeliest tokens, 0 = all (default generation_config.json)',
  },
  repetition_penalty: {
    type: 'number',
    metavar: 'X',
    description: 'penalty on tokens already seen, 1 = none (default generation_config.json)',
  },
  do_sample: {
    type: 'boolean',
    description:
      'sample instead of greedy decoding (default: --temperature > 0, else generation_config.json)',
  },
  seed: { type: 'integer', metavar: 'N', description: 'seed of the sampling (default: random)' },
  resize_emb: {
    type: 'boolean',
    description: "resize the model's embeddings to the tokenizer's length when they differ",
  },
  load_in_8bit: {
    type: 'boolean',
    description: 'load the linear weights in 8 bits (LLM.int8(); dequantised per matmul)',
  },
  load_in_4bit: {
    type: 'boolean',
    description: "load the linear weights in 4 bits (bitsandbytes' FP4; dequantised per matmul)",
  },
  backend: {
    type: 'string',
    metavar: 'NAME',
    description: 'tensor backend: cuda, tensorflow, wasm, cpu or auto (default MEDGPT_BACKEND, else auto)',
  },
  device: DEVICE_OPTION,
} as const satisfies OptionSchema;

/** The parsed values of INFERENCE_OPTIONS: the session's settings, plus the backend to run on. */
export interface InferenceFlags extends InferenceSettings {
  backend?: string;
  device?: number;
}
