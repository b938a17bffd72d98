import type { GenerationRequest } from '@medgpt/serving';
import { ApiError } from '../http/api-error.js';

/** The fields of a GenerationRequest an OpenAI request sets (the prompt and adapter come apart). */
export type SamplingParams = Omit<GenerationRequest, 'promptIds' | 'adapter' | 'signal'>;

/**
 * OpenAI's and vLLM's sampling fields (`max_tokens` | `max_completion_tokens`, `temperature`, `top_p`,
 * `top_k`, `min_p`, `repetition_penalty`, `seed`, `stop`, `stop_token_ids`, `ignore_eos`, `n`),
 * type-checked with the field named on error; ranges are the engine's to check. `maxTokensLimit`
 * caps what a client may ask for (left out, the engine's default applies); `stops` are the model's own stop strings, kept under the request's.
 */
export function readSamplingParams(
  body: Record<string, unknown>,
  maxTokensLimit: number,
  stops: readonly string[],
): SamplingParams {
  const maxTokens = integer(body, 'max_completion_tokens') ?? integer(body, 'max_tokens');
  const param = body.max_completion_tokens !== undefined ? 'max_completion_tokens' : 'max_tokens';
  if (maxTokens !== undefined && maxTokens > maxTokensLimit)
    throw new ApiError(400, `${param} ${maxTokens} exceeds the server's limit of ${maxTokensLimit}`, param);
  if (maxTokens !== undefined && maxTokens < 1)
    throw new ApiError(400, `${param} must be at least 1, got ${maxTokens}`, param);
  const stop = stopStrings(body.stop);
  const params: SamplingParams = {
    maxTokens,
    temperature: number(body, 'temperature'),
    topP: number(body, 'top_p'),
    topK: topK(body),
    minP: number(body, 'min_p'),
    repetitionPenalty: number(body, 'repetition_penalty'),
    seed: integer(body, 'seed'),
    stop: [...stops, ...stop],
    stopTokenIds: integerList(body, 'stop_token_ids'),
    ignoreEos: boolean(body, 'ignore_eos'),
    n: integer(body, 'n'),
  };
  return Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)) as SamplingParams;
}

// vLLM takes -1 for "all tokens"; the engine's off value is 0.
function topK(body: Record<string, unknown>): number | undefined {
  const k = integer(body, 'top_k');
  return k === -1 ? 0 : k;
}

function number(body: Record<string, unknown>, key: string): number | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ApiError(400, `${key} must be a number`, key);
  return v;
}

function integer(body: Record<string, unknown>, key: string): number | undefined {
  const v = number(body, key);
  if (v !== undefined && !Number.isInteger(v)) throw new ApiError(400, `${key} must be an integer`, key);
  return v;
}

function boolean(body: Record<string, unknown>, key: string): boolean | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new ApiError(400, `${key} must be a boolean`, key);
  return v;
}

function integerList(body: Record<string, unknown>, key: string): number[] | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => !Number.isInteger(x)))
    throw new ApiError(400, `${key} must be a list of integers`, key);
  return v as number[];
}

function stopStrings(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || list.some((s) => typeof s !== 'string' || s.length === 0))
    throw new ApiError(400, 'stop must be a non-empty string or a list of them', 'stop');
  return list as string[];
}
