import type { InferenceEngine, PromptFormat, Retriever } from '@medgpt/serving';
import type { Tokenizer } from '@medgpt/tokenizer';
import type { ApiServerOptions } from './api-server-options.js';
import { ServedModels } from './openai/served-models.js';

/** The server's options with every default filled in, as the route handlers read them. */
export interface ApiContext {
  readonly engine: InferenceEngine;
  readonly tokenizer: Tokenizer;
  readonly format: PromptFormat;
  readonly models: ServedModels;
  readonly stopStrings: readonly string[];
  readonly toolFormat: string;
  readonly systemPrompt: string;
  readonly apiKey: string | null;
  readonly maxBodyBytes: number;
  readonly maxTokens: number;
  readonly maxWaiting: number;
  /** null: the server has no documents. */
  readonly rag: RagContext | null;
}

export interface RagContext {
  readonly retriever: Retriever;
  readonly passages: number | null;
  readonly topN: number;
  readonly maxChars: number;
}

export function apiContext(options: ApiServerOptions): ApiContext {
  const maxModelLen = options.maxModelLen ?? options.engine.maxModelLen;
  const limits = options.limits ?? {};
  return {
    engine: options.engine,
    tokenizer: options.tokenizer,
    format: options.format,
    models: new ServedModels(options.modelName, options.adapters ?? [], maxModelLen),
    stopStrings: options.stopStrings ?? [],
    toolFormat: options.toolFormat ?? 'default',
    systemPrompt: options.systemPrompt ?? '',
    apiKey: options.apiKey || null,
    maxBodyBytes: limits.maxBodyBytes ?? 1 << 20,
    maxTokens: limits.maxTokens ?? maxModelLen,
    maxWaiting: limits.maxWaiting ?? 256,
    rag: options.rag
      ? {
          retriever: options.rag.retriever,
          passages: options.rag.passages ?? null,
          topN: options.rag.topN ?? 5,
          maxChars: options.rag.maxChars ?? 2048,
        }
      : null,
  };
}
