import type { CollatePreferenceOptions } from './collate-preference.js';
import { padPromptCompletionRows, promptCompletionRow } from './prompt-completion-rows.js';

/** A tokenised unpaired (KTO) row (see ktoExample). */
export interface UnpairedIds {
  readonly promptIds: readonly number[];
  readonly completionIds: readonly number[];
  readonly label: boolean;
}

/** A KTO batch: one prompt + completion row per example, [B, T] flat. */
export interface UnpairedBatch {
  readonly batchSize: number;
  readonly seqLength: number;
  readonly inputIds: Int32Array;
  readonly attentionMask: Int32Array;
  /** 1 on the completion's tokens: the tokens whose log-probs KTO sums. */
  readonly completionMask: Int32Array;
  /** Per row: 1 = desirable (`label: true`), 0 = undesirable. The prompt's row decides it. */
  readonly label: Uint8Array;
}

export interface CollateUnpairedOptions extends CollatePreferenceOptions {
  /**
   * Build KTO's mismatched batch for the KL estimate instead: row i is prompt i with the completion of
   * row i - 1, row 0 taking the last row's (TRL's `KL_completion_ids = [c[-1]] + c[:-1]`). TRL rotates
   * within each batch of per_device_train_batch_size sequential rows, so collate the same examples
   * twice, with and without this; a batch of one gets its own completion (TRL needs batches of 2+).
   */
  readonly shiftCompletions?: boolean;
}

/**
 * TRL's DataCollatorForUnpairedPreference (KTOTrainer): each row is prompt + completion, truncated to
 * max_length (`keep_start` keeps the first tokens, `keep_end` the last), right-padded, with the
 * completion mask and the labels.
 */
export function collateUnpaired(
  examples: readonly UnpairedIds[],
  options: CollateUnpairedOptions,
): UnpairedBatch {
  if (examples.length === 0) throw new RangeError('collateUnpaired: a batch needs at least one example');
  const n = examples.length;
  const completionOf = (i: number) => examples[options.shiftCompletions ? (i + n - 1) % n : i]!.completionIds;
  const rows = examples.map((e, i) => promptCompletionRow(e.promptIds, completionOf(i), options));
  return {
    ...padPromptCompletionRows(rows, options.padTokenId, options.padToMultipleOf),
    label: Uint8Array.from(examples, (e) => (e.label ? 1 : 0)),
  };
}
