import { loadRecords } from '@medgpt/data';
import type { PromptFormat } from '@medgpt/serving';
import { shareGptToPairs } from '@medgpt/templates';
import type { Tokenizer } from '@medgpt/tokenizer';
import { promptExample } from './prompt-example.js';
import type { RolloutExample } from './rollout-example.js';

/**
 * ppo_training.py's prompts: every human turn of the SFT conversations in `file`, its history rendered
 * before it (the script renders only the turn's own segment; the whole history is what a chat model
 * answers), the reference answer kept as the row's `answer`. Every row trains (the script's validation
 * rows only feed its evaluation).
 */
export async function conversationPrompts(
  file: string,
  format: PromptFormat,
  tokenizer: Tokenizer,
  maxLength: number,
  toolFormat: string | null,
): Promise<{ examples: RolloutExample[]; records: number; invalid: number; cut: number }> {
  const data = await loadRecords(file, { stage: 'ppo', family: 'conversation' });
  const examples: RolloutExample[] = [];
  let cut = 0;
  for (const r of data.records) {
    const { systemPrompt, pairs } = shareGptToPairs(r.value, { toolFormat });
    pairs.forEach(([question, answer], k) => {
      const made = promptExample(
        question,
        { question, answer },
        r.source,
        format,
        tokenizer,
        maxLength,
        systemPrompt,
        pairs.slice(0, k),
      );
      if (made.cut) cut += 1;
      examples.push(made.example);
    });
  }
  return { examples, records: data.report.records, invalid: data.report.invalid, cut };
}
