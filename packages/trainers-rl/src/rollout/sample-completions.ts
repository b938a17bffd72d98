import type { InferenceEngine } from '@medgpt/serving';

/** How completions are sampled (TRL's GRPOConfig generation knobs). */
export interface SamplingOptions {
  maxTokens: number;
  temperature: number;
  topP: number;
  /** 0: off. */
  topK: number;
  minP: number | null;
  repetitionPenalty: number;
}

/** One sampled completion of a prompt. */
export interface SampledCompletion {
  /** Index of its prompt in the call's list. */
  readonly prompt: number;
  readonly completionIds: readonly number[];
  readonly text: string;
  /** Ended by the token limit rather than EOS or a stop id. */
  readonly truncated: boolean;
}

/**
 * `n` completions of every prompt from the serving engine, all requests in flight at once so the engine
 * batches them (continuous batching). The result keeps each prompt's completions together, in prompt
 * order then choice order (a GRPO group is consecutive). Prompt p's choices draw from seed + p * n + i,
 * so a step's samples depend only on its seed.
 */
export async function sampleCompletions(
  engine: InferenceEngine,
  prompts: readonly (readonly number[])[],
  n: number,
  seed: number,
  o: SamplingOptions,
): Promise<SampledCompletion[]> {
  const results = await Promise.all(
    prompts.map(
      (promptIds, p) =>
        engine.generate({
          promptIds,
          n,
          maxTokens: o.maxTokens,
          doSample: true,
          temperature: o.temperature,
          topP: o.topP,
          topK: o.topK,
          minP: o.minP,
          repetitionPenalty: o.repetitionPenalty,
          seed: BigInt(seed) + BigInt(p * n),
        }).result,
    ),
  );
  return results.flatMap((r, p) =>
    r.choices.map((c) => ({
      prompt: p,
      completionIds: c.tokenIds,
      text: c.text,
      truncated: c.finishReason === 'length',
    })),
  );
}
