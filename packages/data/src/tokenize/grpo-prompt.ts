import type { ChatMessage } from '@medgpt/templates';
import type { GrpoRecord } from '../formats/data-format.js';

/** grpo_training.py's SYSTEM_PROMPT, verbatim. */
export const GRPO_SYSTEM_PROMPT =
  'A conversation between User and Assistant. The user asks a question, and the Assistant solves it. The assistant first thinks about the reasoning process in the mind and then provides the user with the answer. The reasoning process and answer are enclosed within <think> </think> and <answer> </answer> tags, respectively, i.e., <think> reasoning process here </think><answer> answer here </answer>';

/** A GRPO prompt: conversational messages (the trainer applies the chat template) and the gold answer. */
export interface GrpoPrompt {
  readonly prompt: ChatMessage[];
  readonly answer: string;
}

/** MedicalGPT's GRPO row mapping: the fixed system prompt, then the question as the user turn. */
export function grpoPrompt(row: GrpoRecord): GrpoPrompt {
  return {
    prompt: [
      { role: 'system', content: GRPO_SYSTEM_PROMPT },
      { role: 'user', content: row.question },
    ],
    answer: row.answer,
  };
}
