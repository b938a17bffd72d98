import type { InferenceEngine, PromptFormat } from '@medgpt/serving';
import type { Tokenizer } from '@medgpt/tokenizer';

/** What `createApiServer` serves, and its limits. */
export interface ApiServerOptions {
  /** Answers every request (continuous batching); the server never closes it. */
  readonly engine: InferenceEngine;
  /** The engine's tokenizer: prompts of /v1/completions and chat prompts are encoded with it. */
  readonly tokenizer: Tokenizer;
  /** How chat messages become the prompt (serving's named template or the tokenizer's chat template). */
  readonly format: PromptFormat;
  /** The base model's id in /v1/models and the `model` that selects it (vLLM's --served-model-name). */
  readonly modelName: string;
  /** Adapter names loaded into the engine's PeftModel; each is a model of its own (vLLM's --lora-modules). */
  readonly adapters?: readonly string[];
  /** The model's stop strings (the template's stop_str), kept under every request's `stop`. */
  readonly stopStrings?: readonly string[];
  /** MedicalGPT's --tool_format for `tools`: how they enter the prompt and calls are parsed. Default 'default'. */
  readonly toolFormat?: string;
  /** The system prompt of a chat that sends none. Default: the template's own. */
  readonly systemPrompt?: string;
  /** Bearer key every /v1 request must send; none: open. */
  readonly apiKey?: string;
  readonly limits?: ApiLimits;
  /** Tokens per sequence (prompt + answer), reported in /v1/models. Default: the engine's. */
  readonly maxModelLen?: number;
}

export interface ApiLimits {
  /** Request body bytes (413 past it). Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /** The largest `max_tokens` a request may ask for (400 past it). Default: the engine's maxModelLen. */
  readonly maxTokens?: number;
  /** Sequences waiting for a slot before new requests get 429. Default 256. */
  readonly maxWaiting?: number;
}
