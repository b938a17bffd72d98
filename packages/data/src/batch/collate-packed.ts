import type { PackedSequence } from './pack-sequences.js';
import { paddedLength, type TokenBatch } from './token-batch.js';

export interface CollatePackedOptions {
  readonly padTokenId: number;
  /** Label of padding (default -100). */
  readonly labelPadId?: number;
  /** Pad every row to this length (default: the longest row). */
  readonly seqLength?: number;
  readonly padToMultipleOf?: number;
}

/** Packed rows into one right-padded batch, segment ids included (padding is segment 0). */
export function collatePacked(rows: readonly PackedSequence[], options: CollatePackedOptions): TokenBatch {
  if (rows.length === 0) throw new RangeError('collatePacked: a batch needs at least one row');
  const longest = paddedLength(
    rows.map((row) => row.inputIds.length),
    options.padToMultipleOf,
  );
  const seqLength = options.seqLength ?? longest;
  if (seqLength < longest)
    throw new RangeError(`collatePacked: seqLength ${seqLength} is shorter than a row (${longest})`);
  const size = rows.length * seqLength;
  const batch = {
    batchSize: rows.length,
    seqLength,
    inputIds: new Int32Array(size).fill(options.padTokenId),
    labels: new Int32Array(size).fill(options.labelPadId ?? -100),
    attentionMask: new Int32Array(size),
    positionIds: new Int32Array(size),
    segmentIds: new Int32Array(size),
  };
  for (const [b, row] of rows.entries()) {
    const at = b * seqLength;
    batch.inputIds.set(row.inputIds, at);
    batch.labels.set(row.labels, at);
    batch.attentionMask.fill(1, at, at + row.inputIds.length);
    batch.positionIds.set(row.positionIds, at);
    batch.segmentIds.set(row.segmentIds, at);
  }
  return batch;
}

/**
 * The attention a packed batch needs, as a [batch, seq, seq] 0/1 mask: query i sees key j iff both
 * are in the same (non-padding) segment and j <= i. A reference for attention kernels that take
 * segment ids instead.
 */
export function packedCausalMask(
  batch: Pick<TokenBatch, 'batchSize' | 'seqLength' | 'segmentIds'>,
): Uint8Array {
  const { batchSize, seqLength: t, segmentIds } = batch;
  if (!segmentIds) throw new Error('packedCausalMask: the batch has no segmentIds (is it packed?)');
  const mask = new Uint8Array(batchSize * t * t);
  for (let b = 0; b < batchSize; b++) {
    for (let i = 0; i < t; i++) {
      const segment = segmentIds[b * t + i]!;
      if (segment === 0) continue;
      for (let j = i; j >= 0 && segmentIds[b * t + j] === segment; j--) mask[(b * t + i) * t + j] = 1;
    }
  }
  return mask;
}
