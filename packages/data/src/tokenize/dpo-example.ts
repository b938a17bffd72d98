import type { ChatMessage, ShareGptConversation } from '@medgpt/templates';
import type { PreferenceConversation } from '../formats/data-format.js';
import { answerLengthFilter, type AnswerLengthOptions } from './answer-length-filter.js';
import type { DataTokenizer } from './data-tokenizer.js';
import { pairWithOpenQuestion, preferenceContext } from './preference-context.js';
import { pickTemplate, renderChat, type PreferenceFormatOptions } from './preference-format.js';
import { tokenizeAnswers } from './tokenize-answers.js';

/** A DPO/ORPO row as TRL tokenises it: the prompt and each answer (EOS included) as separate ids. */
export interface DpoExample {
  /** The rendered prompt, ending with the assistant's generation prefix. */
  readonly prompt: string;
  readonly chosen: string;
  readonly rejected: string;
  readonly promptIds: number[];
  readonly chosenIds: number[];
  readonly rejectedIds: number[];
  /** False when `tokenize(prompt)` is not a prefix of `tokenize(prompt + answer)` (TRL warns then). */
  readonly promptIsPrefix: boolean;
}

export interface DpoExampleOptions extends PreferenceFormatOptions, AnswerLengthOptions {
  readonly tokenizer: DataTokenizer;
}

export type DpoExampleResult =
  | { readonly ok: true; readonly example: DpoExample }
  /** MedicalGPT's pre-filter: prompt + answer must be 1..max_length **characters**. */
  | { readonly ok: false; readonly reason: 'too-long' | 'empty'; readonly prompt: string };

/**
 * MedicalGPT's dpo_training.py / orpo_training.py row: the prompt built from `conversations` (named
 * template `get_prompt` with a final `[q, ""]`, or the chat template with the generation prompt),
 * MedicalGPT's character-length filter, then TRL 0.29's tokenisation of string data: EOS text appended
 * to each answer, `ids(prompt)` and `ids(prompt + answer)` with special tokens, the answer being the
 * tail after the prompt's ids. TRL truncates prompt+answer to max_length in the collator
 * (`collatePreference`).
 */
export function dpoExample(row: PreferenceConversation, options: DpoExampleOptions): DpoExampleResult {
  const prompt = dpoPrompt(row, options);
  const reason = answerLengthFilter(prompt, [row.chosen, row.rejected], options);
  if (reason) return { ok: false, reason, prompt };
  const { promptIds, answers, promptIsPrefix } = tokenizeAnswers(
    prompt,
    [row.chosen, row.rejected],
    options.tokenizer,
  );
  const chosen = answers[0]!;
  const rejected = answers[1]!;
  return {
    ok: true,
    example: {
      prompt,
      chosen: chosen.text,
      rejected: rejected.text,
      promptIds,
      chosenIds: chosen.ids,
      rejectedIds: rejected.ids,
      promptIsPrefix,
    },
  };
}

/**
 * MedicalGPT's `_build_prompt_from_conversations`: the prompt of a row's context (the question the
 * answers complete). Any row with `conversations` fits: preference and unpaired (KTO) rows alike.
 */
export function dpoPrompt(row: ShareGptConversation, options: PreferenceFormatOptions): string {
  const template = pickTemplate(options);
  const { systemPrompt, messages } = preferenceContext(row, options);
  const pairs = pairWithOpenQuestion(messages);
  if (template) return template.formatPrompt(pairs, systemPrompt);
  const chat: ChatMessage[] = systemPrompt ? [{ role: 'system', content: systemPrompt }] : [];
  for (const [query, answer] of pairs) {
    chat.push({ role: 'user', content: query });
    if (answer) chat.push({ role: 'assistant', content: answer });
  }
  return renderChat(options, chat, true);
}
