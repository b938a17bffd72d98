import { tf } from '@medgpt/core-tensor';
import type { CausalLMInputs } from '@medgpt/models';

/**
 * Right-padded token rows whose completion tokens carry the score: TRL's preference batch (chosen rows
 * then rejected rows, see @medgpt/data's collatePreference) or an unpaired KTO batch. Flat, row-major.
 */
export interface CompletionBatch {
  readonly batchSize: number;
  readonly seqLength: number;
  readonly inputIds: Int32Array;
  readonly attentionMask: Int32Array;
  /** 1 on the completion's tokens. */
  readonly completionMask: Int32Array;
}

/** The model inputs of a batch (int32 [rows, T]); positions follow the mask, as transformers' default. */
export function batchInputs(batch: CompletionBatch): CausalLMInputs {
  const shape: [number, number] = [batch.batchSize, batch.seqLength];
  return {
    inputIds: tf.tensor2d(batch.inputIds, shape, 'int32'),
    attentionMask: tf.tensor2d(batch.attentionMask, shape, 'int32'),
  };
}

/** Completion tokens per row, on the host (ipo and the per-token means need them, no device read). */
export function completionLengths(batch: CompletionBatch): Float32Array {
  const { batchSize, seqLength, completionMask } = batch;
  const lengths = new Float32Array(batchSize);
  for (let b = 0; b < batchSize; b++) {
    let n = 0;
    for (let t = b * seqLength; t < (b + 1) * seqLength; t++) n += completionMask[t]!;
    lengths[b] = n;
  }
  return lengths;
}

/** Labels that score the completion tokens only: the token id there, -100 elsewhere. */
export function completionLabels(batch: CompletionBatch): Int32Array {
  return Int32Array.from(batch.inputIds, (id, i) => (batch.completionMask[i] ? id : -100));
}
