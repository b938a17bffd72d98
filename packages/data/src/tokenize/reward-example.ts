import type { ChatMessage } from '@medgpt/templates';
import type { PreferenceConversation } from '../formats/data-format.js';
import { answerMaxLength, type AnswerLengthOptions } from './answer-length-filter.js';
import type { DataTokenizer } from './data-tokenizer.js';
import { pairWithOpenQuestion, preferenceContext } from './preference-context.js';
import { pickTemplate, renderChat, type PreferenceFormatOptions } from './preference-format.js';

/** A reward-model pair: the full conversation ending with each answer, tokenised. */
export interface RewardExample {
  readonly chosenText: string;
  readonly rejectedText: string;
  readonly chosenIds: number[];
  readonly rejectedIds: number[];
}

/** `--max_source_length` + `--max_target_length` (2048 + 512) caps each side in tokens: longer pairs are dropped. */
export interface RewardExampleOptions extends PreferenceFormatOptions, AnswerLengthOptions {
  readonly tokenizer: DataTokenizer;
}

export type RewardExampleResult =
  | { readonly ok: true; readonly example: RewardExample }
  | { readonly ok: false; readonly reason: 'too-long' | 'empty' };

/**
 * MedicalGPT's reward_modeling.py `preprocess_reward_function`: with a named template, the last
 * question's answer is set to chosen (or rejected) and `get_prompt` renders the whole dialog; with a
 * chat template, the answer is appended as an assistant message. Each text is tokenised with special
 * tokens; pairs with an empty side or one longer than max_source_length + max_target_length tokens
 * are dropped.
 */
export function rewardExample(
  row: PreferenceConversation,
  options: RewardExampleOptions,
): RewardExampleResult {
  const template = pickTemplate(options);
  const { systemPrompt, messages } = preferenceContext(row, options);
  let render: (answer: string) => string;
  if (template) {
    const pairs = pairWithOpenQuestion(messages);
    const lastQuestion = pairs.length > 0 ? pairs[pairs.length - 1]![0] : '';
    const history = pairs.slice(0, -1);
    render = (answer) => template.formatPrompt([...history, [lastQuestion, answer]], systemPrompt);
  } else {
    const base: ChatMessage[] = systemPrompt ? [{ role: 'system', content: systemPrompt }] : [];
    base.push(...messages.map(({ role, content }) => ({ role, content })));
    render = (answer) => renderChat(options, [...base, { role: 'assistant', content: answer }], false);
  }
  const chosenText = render(row.chosen);
  const rejectedText = render(row.rejected);
  const encode = (text: string) => [...options.tokenizer.encode(text, { addSpecialTokens: true })];
  const chosenIds = encode(chosenText);
  const rejectedIds = encode(rejectedText);
  const maxLength = answerMaxLength(options);
  for (const ids of [chosenIds, rejectedIds]) {
    if (ids.length === 0) return { ok: false, reason: 'empty' };
    if (ids.length > maxLength) return { ok: false, reason: 'too-long' };
  }
  return { ok: true, example: { chosenText, rejectedText, chosenIds, rejectedIds } };
}
