import type { Tokenizer } from '@medgpt/tokenizer';
import type { CausalLM } from '../model/causal-lm.js';
import { generateEvents, type StreamOptions } from './generate-events.js';

/**
 * Streams the continuation of one prompt as text deltas, each safe to print (never half a UTF-8
 * character, never part of a stop string). A string prompt is encoded with the tokenizer's special
 * tokens, as `tokenizer(prompt)` in transformers; pass ids for a prompt rendered elsewhere.
 *
 * ```ts
 * for await (const delta of streamText(model, tokenizer, ids, { maxNewTokens: 128 })) process.stdout.write(delta);
 * ```
 */
export async function* streamText(
  model: CausalLM,
  tokenizer: Tokenizer,
  prompt: string | readonly number[],
  options: Omit<StreamOptions, 'tokenizer'> = {},
): AsyncGenerator<string, void, undefined> {
  const ids = typeof prompt === 'string' ? tokenizer.encode(prompt) : [...prompt];
  for await (const events of generateEvents(model, [ids], { ...options, tokenizer })) {
    const text = events.map((e) => e.text).join('');
    if (text !== '') yield text;
  }
}
