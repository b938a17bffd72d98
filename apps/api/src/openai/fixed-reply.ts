import type { GenerationChoice, GenerationChunk, GenerationResult } from '@medgpt/serving';
import { ApiError } from '../http/api-error.js';

/** What the chat endpoint reads from a generation: chunks as they come, then the whole result. */
export interface ChatAnswer extends AsyncIterable<Pick<GenerationChunk, 'index' | 'text' | 'finishReason'>> {
  readonly result: Promise<{
    readonly choices: readonly Pick<GenerationChoice, 'index' | 'text' | 'finishReason'>[];
    readonly promptTokens: GenerationResult['promptTokens'];
    readonly completionTokens: GenerationResult['completionTokens'];
  }>;
}

/**
 * An answer given without the model (chatpdf's reply when no passage matched), shaped as a generation
 * so it is sent as any other: `n` choices of `text`, each one chunk ending with "stop". Usage counts no
 * tokens: none went through the model. `n` is checked as the engine checks it.
 */
export function fixedReply(text: string, n: number, slots: number): ChatAnswer {
  if (!(Number.isInteger(n) && n >= 1))
    throw new ApiError(400, `n must be a positive integer, got ${n}`, 'n');
  if (n > slots) throw new ApiError(400, `n ${n} exceeds the engine's ${slots} sequences`, 'n');
  const choices = Array.from({ length: n }, (_, index) => ({ index, text, finishReason: 'stop' as const }));
  return {
    result: Promise.resolve({ choices, promptTokens: 0, completionTokens: 0 }),
    async *[Symbol.asyncIterator]() {
      yield* choices;
    },
  };
}
