import { GRPO_SYSTEM_PROMPT } from '@medgpt/data';
import type { PromptFormat } from '@medgpt/serving';
import type { DialogPair } from '@medgpt/templates';
import type { Tokenizer } from '@medgpt/tokenizer';
import type { RolloutExample } from './rollout-example.js';

/**
 * A prompt for an RL stage: `question` after `system` as the format renders it (with the generation
 * prompt), tokenised without added special tokens (the template writes them, as TRL's apply_chat_template
 * does), the left part cut to `maxLength`.
 */
export function promptExample(
  question: string,
  row: Record<string, unknown>,
  source: RolloutExample['source'],
  format: PromptFormat,
  tokenizer: Tokenizer,
  maxLength: number,
  system = GRPO_SYSTEM_PROMPT,
  history: readonly DialogPair[] = [],
): { example: RolloutExample; cut: boolean } {
  const text = format.build(history, question, system);
  const ids = tokenizer.encode(text, { addSpecialTokens: false });
  return {
    example: {
      promptIds: ids.length > maxLength ? ids.slice(ids.length - maxLength) : ids,
      row: { ...row, prompt: text },
      source,
    },
    cut: ids.length > maxLength,
  };
}
