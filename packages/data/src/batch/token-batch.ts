/**
 * A batch of token rows, flat and row-major ([batchSize * seqLength]), ready for int32 tensors.
 * `labels` hold the ignore index (-100) where no loss is taken.
 */
export interface TokenBatch {
  readonly batchSize: number;
  readonly seqLength: number;
  readonly inputIds: Int32Array;
  readonly labels: Int32Array;
  /** 1 = real token, 0 = padding. */
  readonly attentionMask: Int32Array;
  /** Position of each token in its own sequence (padding: 0). Restarts at every packed sample. */
  readonly positionIds: Int32Array;
  /**
   * Packed batches only: which sample of the row each token belongs to (1, 2, ...; padding 0).
   * Attention must stay inside a segment: query i sees key j iff same segment and j <= i.
   */
  readonly segmentIds?: Int32Array;
}

/** A token row to batch: its ids and labels (same length). */
export interface LabeledSequence {
  readonly inputIds: ArrayLike<number>;
  readonly labels: ArrayLike<number>;
  /**
   * A row that carries its own padding (MedicalGPT's PT without packing pads every text to block_size
   * and keeps pad ids as labels): 1 = real token, 0 = padding, same length as inputIds. Without it every
   * token of the row is real.
   */
  readonly attentionMask?: ArrayLike<number>;
}

/** Which side of a row padding goes on. */
export type PaddingSide = 'left' | 'right';

/** The padded length: the longest row, rounded up to a multiple of `padToMultipleOf`. */
export function paddedLength(lengths: readonly number[], padToMultipleOf?: number): number {
  const longest = lengths.reduce((a, b) => Math.max(a, b), 0);
  if (!padToMultipleOf || padToMultipleOf <= 1) return longest;
  return Math.ceil(longest / padToMultipleOf) * padToMultipleOf;
}
