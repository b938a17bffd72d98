import { paddedLength } from './token-batch.js';

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

export interface CollatePreferenceOptions {
  readonly padTokenId: number;
  /** TRL's max_length (MedicalGPT: max_source_length + max_target_length); undefined: no truncation. */
  readonly maxLength?: number;
  /** TRL's truncation_mode (default keep_start): cut the end of prompt+answer, or its start. */
  readonly truncationMode?: 'keep_start' | 'keep_end';
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
    ...examples.map((e) => ({ prompt: e.promptIds, answer: e.chosenIds })),
    ...examples.map((e) => ({ prompt: e.promptIds, answer: e.rejectedIds })),
  ].map(({ prompt, answer }) => truncate([...prompt, ...answer], prompt.length, options));
  const seqLength = paddedLength(
    rows.map((row) => row.ids.length),
    options.padToMultipleOf,
  );
  const size = rows.length * seqLength;
  const inputIds = new Int32Array(size).fill(options.padTokenId);
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

function truncate(ids: number[], promptLength: number, options: CollatePreferenceOptions) {
  const completion = ids.map((_, t) => (t < promptLength ? 0 : 1));
  const max = options.maxLength;
  if (max === undefined || ids.length <= max) return { ids, completion };
  if ((options.truncationMode ?? 'keep_start') === 'keep_start') {
    return { ids: ids.slice(0, max), completion: completion.slice(0, max) };
  }
  return { ids: ids.slice(-max), completion: completion.slice(-max) };
}
