import type { tf } from '../tf.js';

/** HF / torch default label of tokens that do not count (prompt, padding). */
export const IGNORE_INDEX = -100;

export type LossReduction = 'mean' | 'sum';

/** Throws unless logits is float32 [N, V] and labels is int32 [N]; names `op` and both shapes. */
export function checkLogitsLabels(op: string, logits: tf.Tensor, labels: tf.Tensor): void {
  if (logits.rank !== 2 || logits.dtype !== 'float32') {
    throw new Error(`${op}: logits must be float32 [tokens, vocab], got [${logits.shape}] ${logits.dtype}`);
  }
  checkLabels(op, labels, logits.shape[0]!);
}

/** Throws unless labels is int32 [rows]. */
export function checkLabels(op: string, labels: tf.Tensor, rows: number): void {
  if (labels.rank !== 1 || labels.dtype !== 'int32' || labels.shape[0] !== rows) {
    throw new Error(
      `${op}: labels must be int32 [${rows}] (one per row), got [${labels.shape}] ${labels.dtype}`,
    );
  }
}

export function resolveIgnoreIndex(op: string, ignoreIndex: number = IGNORE_INDEX): number {
  if (!Number.isInteger(ignoreIndex))
    throw new Error(`${op}: ignoreIndex must be an integer, got ${ignoreIndex}`);
  return ignoreIndex;
}

export function resolveReduction(op: string, reduction: LossReduction = 'mean'): LossReduction {
  if (reduction !== 'mean' && reduction !== 'sum') {
    throw new Error(`${op}: reduction must be 'mean' or 'sum', got '${String(reduction)}'`);
  }
  return reduction;
}
