import { TokenizerError } from './tokenizer-error.js';

/** transformers' padding strategies; `true` means `'longest'`. */
export type PaddingStrategy = boolean | 'longest' | 'max_length' | 'do_not_pad';

/** Where pad tokens go (transformers' `padding_side`); generation wants `'left'`. */
export type PaddingSide = 'left' | 'right';

/** Token ids and attention masks of a batch, one row per text (transformers' BatchEncoding). */
export interface BatchEncoding {
  inputIds: number[][];
  /** 1 for a real token, 0 for padding. */
  attentionMask: number[][];
}

export interface PadBatchOptions {
  padding: PaddingStrategy;
  /** Target length for `'max_length'`. */
  maxLength?: number;
  /** Round the padded length up to a multiple of this (MedicalGPT's SFT collator uses 4). */
  padToMultipleOf?: number;
  side: PaddingSide;
  /** Needed only when some row is actually padded. */
  padTokenId: number | null;
}

/**
 * Pads rows to a common length with transformers' rules: `'longest'` pads to the longest row,
 * `'max_length'` to `maxLength` (rows already longer are left as they are), then rounds up to
 * `padToMultipleOf`. Attention masks are 0 over padding.
 */
export function padBatch(rows: readonly (readonly number[])[], options: PadBatchOptions): BatchEncoding {
  const target = paddedLength(rows, options);
  const inputIds: number[][] = [];
  const attentionMask: number[][] = [];
  for (const row of rows) {
    const missing = target === null ? 0 : Math.max(0, target - row.length);
    if (missing > 0 && options.padTokenId === null) {
      throw new TokenizerError('asked to pad, but the tokenizer has no pad token', {
        field: 'pad_token',
        expected: 'a pad token in tokenizer_config.json, or padTokenId in the options',
        hint: "Use applySpecialTokenFallbacks() (pad := unk or eos, as MedicalGPT does) or withSpecialTokens({ pad: '...' })",
      });
    }
    const pad = new Array<number>(missing).fill(options.padTokenId ?? 0);
    const zeros = new Array<number>(missing).fill(0);
    const ones = new Array<number>(row.length).fill(1);
    inputIds.push(options.side === 'left' ? [...pad, ...row] : [...row, ...pad]);
    attentionMask.push(options.side === 'left' ? [...zeros, ...ones] : [...ones, ...zeros]);
  }
  return { inputIds, attentionMask };
}

function paddedLength(rows: readonly (readonly number[])[], o: PadBatchOptions): number | null {
  let length: number;
  if (o.padding === false || o.padding === 'do_not_pad') return null;
  if (o.padding === 'max_length') {
    if (o.maxLength === undefined) {
      throw new TokenizerError("padding 'max_length' needs maxLength", {
        field: 'maxLength',
        expected: 'a positive integer',
      });
    }
    length = o.maxLength;
  } else {
    length = rows.reduce((m, r) => Math.max(m, r.length), 0);
  }
  const multiple = o.padToMultipleOf;
  if (multiple !== undefined && multiple > 0 && length % multiple !== 0)
    length += multiple - (length % multiple);
  return length;
}
