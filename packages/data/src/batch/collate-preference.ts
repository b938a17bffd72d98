import {
  padPromptCompletionRows,
  promptCompletionRow,
  type RowTruncation,
} from './prompt-completion-rows.js';

/** A tokenised preference row (see dpoExample). */
export interface PreferenceIds {
  readonly promptIds: readonly number[];
  readonly chosenIds: readonly number[];
  readonly rejectedIds: readonly number[];
}

/** TRL's preference batch: chosen rows first, then rejected rows, [2B, T] flat. */
export interface PreferenceBatch {
  /** Rows: 2 * the number of examples. */
  readonly batchSize: number;
  readonly seqLength: number;
  readonly inputIds: Int32Array;
  readonly attentionMask: Int32Array;
  /** 1 on the answer's tokens: the tokens whose log-probs DPO sums. */
  readonly completionMask: Int32Array;
}

export interface CollatePreferenceOptions extends RowTruncation {
  readonly padTokenId: number;
  readonly padToMultipleOf?: number;
}

/**
 * TRL 0.29's DataCollatorForPreference plus its `_truncate_inputs`: each row is prompt + answer,
 * right-padded; `keep_start` keeps the first max_length tokens, `keep_end` the last.
 */
export function collatePreference(
  examples: readonly PreferenceIds[],
  options: CollatePreferenceOptions,
): PreferenceBatch {
  if (examples.length === 0) throw new RangeError('collatePreference: a batch needs at least one example');
  const rows = [
    ...examples.map((e) => promptCompletionRow(e.promptIds, e.chosenIds, options)),
    ...examples.map((e) => promptCompletionRow(e.promptIds, e.rejectedIds, options)),
  ];
  return padPromptCompletionRows(rows, options.padTokenId, options.padToMultipleOf);
}
