import type { InferenceEngine, PromptFormat } from '@medgpt/serving';
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
  };
}
