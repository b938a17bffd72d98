import type { CausalLM } from '../model/causal-lm.js';
import { generateEvents, type FinishReason, type StreamOptions } from './generate-events.js';
import type { GenerationInput } from './left-pad-batch.js';

export interface GenerationResult {
  /** New ids per row: a stop token is included, nothing after it (no padding). */
  tokenIds: number[][];
  /** New text per row (with a tokenizer; else ''): special tokens skipped, cut before a stop string. */
  texts: string[];
  finishReasons: FinishReason[];
}

/**
 * Generates for a batch of prompts (token id rows, left-padded here) and collects the result:
 * greedy, or sampled with temperature / top-k / top-p / min-p, with repetition penalty, stop ids and
 * stop strings; unset options come from the model's generation_config.json.
 */
export async function generate(
  model: CausalLM,
  input: GenerationInput,
  options: StreamOptions = {},
): Promise<GenerationResult> {
  const rows = Array.isArray(input)
    ? input.length
    : (input as { inputIds: readonly unknown[] }).inputIds.length;
  const result: GenerationResult = {
    tokenIds: Array.from({ length: rows }, () => []),
    texts: new Array<string>(rows).fill(''),
    finishReasons: new Array<FinishReason>(rows).fill('length'),
  };
  for await (const events of generateEvents(model, input, options)) {
    for (const e of events) {
      result.tokenIds[e.row]!.push(e.tokenId);
      result.texts[e.row] += e.text;
      if (e.finishReason !== null) result.finishReasons[e.row] = e.finishReason;
    }
  }
  return result;
}
