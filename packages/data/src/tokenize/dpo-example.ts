import type { ChatMessage } from '@medgpt/templates';
import type { PreferenceConversation } from '../formats/data-format.js';
import type { DataTokenizer } from './data-tokenizer.js';
import { pairWithOpenQuestion, preferenceContext } from './preference-context.js';
import { pickTemplate, renderChat, type PreferenceFormatOptions } from './preference-format.js';

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

export interface DpoExampleOptions extends PreferenceFormatOptions {
  readonly tokenizer: DataTokenizer;
  /** `--max_source_length` (default 2048) + `--max_target_length` (default 512) = TRL's max_length. */
  readonly maxSourceLength?: number;
  readonly maxTargetLength?: number;
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
  const maxLength = (options.maxSourceLength ?? 2048) + (options.maxTargetLength ?? 512);
  for (const answer of [row.chosen, row.rejected]) {
    const chars = codePoints(prompt + answer);
    if (chars === 0) return { ok: false, reason: 'empty', prompt };
    if (chars > maxLength) return { ok: false, reason: 'too-long', prompt };
  }
  const { tokenizer } = options;
  const eos = tokenizer.eosToken;
  if (eos === undefined)
    throw new Error('dpoExample needs tokenizer.eosToken (TRL appends its text to each answer)');
  const withEos = (text: string) => (text.endsWith(eos) ? text : text + eos);
  const promptIds = [...tokenizer.encode(prompt, { addSpecialTokens: true })];
  const tail = (answer: string) => {
    const ids = tokenizer.encode(prompt + withEos(answer), { addSpecialTokens: true });
    const prefix = promptIds.every((id, i) => ids[i] === id);
    return { ids: ids.slice(promptIds.length), prefix };
  };
  const chosen = tail(row.chosen);
  const rejected = tail(row.rejected);
  return {
    ok: true,
    example: {
      prompt,
      chosen: withEos(row.chosen),
      rejected: withEos(row.rejected),
      promptIds,
      chosenIds: chosen.ids,
      rejectedIds: rejected.ids,
      promptIsPrefix: chosen.prefix && rejected.prefix,
    },
  };
}

/** MedicalGPT's `_build_prompt_from_conversations`. */
export function dpoPrompt(row: PreferenceConversation, options: PreferenceFormatOptions): string {
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

/** Python's `len(str)`: code points, not UTF-16 units. */
function codePoints(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n += 1;
  }
  return n;
}
