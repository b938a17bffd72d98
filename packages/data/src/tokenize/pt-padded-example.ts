import { IGNORE_INDEX } from '@medgpt/templates';
import type { DataTokenizer } from './data-tokenizer.js';

export interface PtPaddedOptions {
  /** `--block_size`: every example is cut or padded to it. */
  readonly blockSize: number;
  readonly padTokenId: number;
  /**
   * Give padding the -100 label (default true). MedicalGPT's `--packing False` leaves pad ids in the
   * labels and so trains on padding (reference §9.14); pass false to reproduce that.
   */
  readonly maskPadLabels?: boolean;
}

/** One PT example without packing. */
export interface PtPaddedExample {
  readonly inputIds: number[];
  readonly labels: number[];
  readonly attentionMask: number[];
}

/**
 * pretraining.py's `tokenize_function` (`--packing False`): `tokenizer(text, truncation=True,
 * padding="max_length", max_length=block_size)` with right padding, labels a copy of the ids.
 */
export function ptPaddedExample(
  text: string,
  tokenizer: DataTokenizer,
  options: PtPaddedOptions,
): PtPaddedExample {
  const ids = tokenizer.encode(text, { addSpecialTokens: true }).slice(0, options.blockSize);
  const pad = options.blockSize - ids.length;
  const inputIds = [...ids, ...new Array<number>(pad).fill(options.padTokenId)];
  const padLabel = (options.maskPadLabels ?? true) ? IGNORE_INDEX : options.padTokenId;
  return {
    inputIds,
    labels: [...ids, ...new Array<number>(pad).fill(padLabel)],
    attentionMask: [...ids.map(() => 1), ...new Array<number>(pad).fill(0)],
  };
}
