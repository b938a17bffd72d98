import type { UnpairedRecord } from '../formats/data-format.js';
import { answerLengthFilter, answerMaxLength } from './answer-length-filter.js';
import { dpoPrompt, type DpoExampleOptions } from './dpo-example.js';
import { tokenizeAnswers } from './tokenize-answers.js';

/** An unpaired (KTO) row as TRL tokenises it: the prompt and the completion (EOS included) as separate ids. */
export interface KtoExample {
  /** The rendered prompt, ending with the assistant's generation prefix. */
  readonly prompt: string;
  /** The completion with the EOS text appended. */
  readonly completion: string;
  readonly promptIds: number[];
  readonly completionIds: number[];
  /** True: a desirable completion; false: an undesirable one. */
  readonly label: boolean;
  /** False when `tokenize(prompt)` is not a prefix of `tokenize(prompt + completion)` (TRL warns then). */
  readonly promptIsPrefix: boolean;
}

/** The options of `dpoExample`: template or chat template, tool format, tokenizer, length limits. */
export type KtoExampleOptions = DpoExampleOptions;

export type KtoExampleResult =
  | { readonly ok: true; readonly example: KtoExample }
  /**
   * `too-long`/`empty`: MedicalGPT's character filter on prompt + completion. `prompt-too-long`: the
   * prompt alone has max_length tokens or more, which TRL's KTOTrainer drops (no completion token
   * would survive truncation).
   */
  | {
      readonly ok: false;
      readonly reason: 'too-long' | 'empty' | 'prompt-too-long';
      readonly prompt: string;
    };

/**
 * A KTO row prepared as `dpoExample` prepares a DPO row: the prompt from the row's context (named
 * template or chat template with the generation prompt), MedicalGPT's character-length filter on
 * prompt + completion, then the tokenisation of TRL's KTOTrainer (main; `_prepare_dataset`) for string
 * data: EOS text appended, the completion ids being the tail of `ids(prompt + completion)` after
 * `ids(prompt)`. (TRL 0.29's experimental KTOTrainer tokenised without special tokens and cut the
 * completion in preprocessing; its current trainer, like its DPO, truncates in the collator:
 * `collateUnpaired`.)
 */
export function ktoExample(row: UnpairedRecord, options: KtoExampleOptions): KtoExampleResult {
  const prompt = dpoPrompt(row, options);
  const reason = answerLengthFilter(prompt, [row.completion], options);
  if (reason) return { ok: false, reason, prompt };
  const { promptIds, answers, promptIsPrefix } = tokenizeAnswers(prompt, [row.completion], options.tokenizer);
  if (promptIds.length >= answerMaxLength(options)) return { ok: false, reason: 'prompt-too-long', prompt };
  const completion = answers[0]!;
  return {
    ok: true,
    example: {
      prompt,
      completion: completion.text,
      promptIds,
      completionIds: completion.ids,
      label: row.label,
      promptIsPrefix,
    },
  };
}
