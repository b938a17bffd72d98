import { collatePreference } from '@medgpt/data';
import type { PairRow } from '../pairwise/pair-task.js';
import type { ReferenceModel } from './reference-model.js';

export interface PrecomputeOptions {
  padTokenId: number;
  maxLength?: number;
  truncationMode?: 'keep_start' | 'keep_end';
  /** Pairs per forward (TRL uses the eval batch size for this pass). */
  batchSize: number;
  /** Progress lines. */
  log?: (line: string) => void;
}

/**
 * TRL's precompute_ref_log_probs: one pass of the reference over the rows before training, storing
 * each pair's summed reference log-probs on the row (refChosen / refRejected), so that training needs
 * no reference forward and no reference weights.
 */
export function precomputeReferenceLogps(
  rows: PairRow[],
  reference: ReferenceModel,
  options: PrecomputeOptions,
): void {
  const started = performance.now();
  for (let i = 0; i < rows.length; i += options.batchSize) {
    const chunk = rows.slice(i, i + options.batchSize);
    const tokens = collatePreference(chunk, options);
    const logps = reference.logps(tokens);
    const values = logps.dataSync();
    logps.dispose();
    chunk.forEach((row, k) => {
      row.refChosen = values[k]!;
      row.refRejected = values[chunk.length + k]!;
    });
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  options.log?.(`reference log-probs: ${rows.length} pairs in ${seconds} s (${reference.description})`);
}
