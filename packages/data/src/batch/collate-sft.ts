import { paddedLength, type LabeledSequence, type PaddingSide, type TokenBatch } from './token-batch.js';

export interface CollateOptions {
  /** The tokenizer's pad id (MedicalGPT: pad, else unk, else EOS). */
  readonly padTokenId: number;
  /** Default 'right' (training). */
  readonly paddingSide?: PaddingSide;
  /** Label of padding (default -100). */
  readonly labelPadId?: number;
  /** MedicalGPT's SFT pads to a multiple of 4 when padding right. */
  readonly padToMultipleOf?: number;
}

/**
 * Dynamic padding to the longest row of the batch, as transformers' DataCollatorForSeq2Seq does it
 * (pad id for inputs, -100 for labels, 0 in the attention mask). Position ids count real tokens only,
 * so left padding leaves every token at the position it has unpadded. A row's own `attentionMask`
 * (padding it carries in, with whatever labels it has) is kept.
 */
export function collateSft(rows: readonly LabeledSequence[], options: CollateOptions): TokenBatch {
  if (rows.length === 0) throw new RangeError('collateSft: a batch needs at least one row');
  const side = options.paddingSide ?? 'right';
  const labelPad = options.labelPadId ?? -100;
  const seqLength = paddedLength(
    rows.map((row) => row.inputIds.length),
    options.padToMultipleOf,
  );
  const size = rows.length * seqLength;
  const inputIds = new Int32Array(size).fill(options.padTokenId);
  const labels = new Int32Array(size).fill(labelPad);
  const attentionMask = new Int32Array(size);
  const positionIds = new Int32Array(size);
  for (const [b, row] of rows.entries()) {
    const n = row.inputIds.length;
    if (row.labels.length !== n) {
      throw new RangeError(`collateSft: row ${b} has ${n} input ids but ${row.labels.length} labels`);
    }
    if (row.attentionMask !== undefined && row.attentionMask.length !== n) {
      throw new RangeError(`collateSft: row ${b} has ${n} input ids but ${row.attentionMask.length} mask values`);
    }
    const offset = b * seqLength + (side === 'left' ? seqLength - n : 0);
    for (let t = 0; t < n; t++) {
      inputIds[offset + t] = row.inputIds[t]!;
      labels[offset + t] = row.labels[t]!;
      // A row's own padding: hidden as a key; positions run on through it as transformers' training
      // forward numbers them (arange), which only matters for the loss on pad labels.
      attentionMask[offset + t] = row.attentionMask === undefined ? 1 : row.attentionMask[t]! === 0 ? 0 : 1;
      positionIds[offset + t] = t;
    }
  }
  return { batchSize: rows.length, seqLength, inputIds, labels, attentionMask, positionIds };
}
