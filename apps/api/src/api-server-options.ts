import type { InferenceEngine, PromptFormat, Retriever } from '@medgpt/serving';
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
  /** Documents a chat request may ask to be answered from (`"rag"`); none: such requests get a 400. */
  readonly rag?: ApiRagOptions;
}

/** The documents behind `"rag"` requests (MedicalGPT's chatpdf), and how many passages a prompt cites. */
export interface ApiRagOptions {
  /** Ranks passages for the question, best first: a Bm25Index, or BM25 fused with dense vectors (HybridRetriever). */
  readonly retriever: Retriever;
  /** Passages behind `retriever`, reported by GET /v1/rag (left out: reported as null). */
  readonly passages?: number;
  /** Passages cited when a request does not say (`"rag": {"top_n": N}`). Default 5. */
  readonly topN?: number;
  /** Characters the instruction, passages and question may take (chatpdf's context_len). Default 2048. */
  readonly maxChars?: number;
}

export interface ApiLimits {
  /** Request body bytes (413 past it). Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /** The largest `max_tokens` a request may ask for (400 past it). Default: the engine's maxModelLen. */
  readonly maxTokens?: number;
  /** Sequences waiting for a slot before new requests get 429. Default 256. */
  readonly maxWaiting?: number;
}
