import { paddedLength } from './token-batch.js';

/** One row of a preference batch: prompt + completion ids, and 1 on the completion's tokens. */
export interface PromptCompletionRow {
  readonly ids: readonly number[];
  readonly completion: readonly number[];
}

/** TRL's truncation of prompt + completion (`max_length`, `truncation_mode`). */
export interface RowTruncation {
  /** TRL's max_length (MedicalGPT: max_source_length + max_target_length); undefined: no truncation. */
  readonly maxLength?: number;
  /** TRL's truncation_mode (default keep_start): cut the end of prompt+answer, or its start. */
  readonly truncationMode?: 'keep_start' | 'keep_end';
}

/** Right-padded rows, flat and row-major ([batchSize * seqLength]). */
export interface PaddedRows {
  readonly batchSize: number;
  readonly seqLength: number;
  readonly inputIds: Int32Array;
  readonly attentionMask: Int32Array;
  readonly completionMask: Int32Array;
}

/**
 * prompt + completion as one row, cut to max_length as TRL's `_truncate_inputs` does: `keep_start`
 * keeps the first max_length tokens, `keep_end` the last.
 */
export function promptCompletionRow(
  promptIds: readonly number[],
  completionIds: readonly number[],
  options: RowTruncation,
): PromptCompletionRow {
  const ids = [...promptIds, ...completionIds];
  const completion = ids.map((_, t) => (t < promptIds.length ? 0 : 1));
  const max = options.maxLength;
  if (max === undefined || ids.length <= max) return { ids, completion };
  if ((options.truncationMode ?? 'keep_start') === 'keep_start') {
    return { ids: ids.slice(0, max), completion: completion.slice(0, max) };
  }
  return { ids: ids.slice(-max), completion: completion.slice(-max) };
}

/** The rows right-padded with `padTokenId` to the longest (rounded up to `padToMultipleOf`). */
export function padPromptCompletionRows(
  rows: readonly PromptCompletionRow[],
  padTokenId: number,
  padToMultipleOf?: number,
): PaddedRows {
  const seqLength = paddedLength(
    rows.map((row) => row.ids.length),
    padToMultipleOf,
  );
  const size = rows.length * seqLength;
  const inputIds = new Int32Array(size).fill(padTokenId);
  const attentionMask = new Int32Array(size);
  const completionMask = new Int32Array(size);
  for (const [b, row] of rows.entries()) {
    for (let t = 0; t < row.ids.length; t++) {
      inputIds[b * seqLength + t] = row.ids[t]!;
      attentionMask[b * seqLength + t] = 1;
      completionMask[b * seqLength + t] = row.completion[t]!;
    }
  }
  return { batchSize: rows.length, seqLength, inputIds, attentionMask, completionMask };
}
