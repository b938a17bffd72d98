import { TokenizerError } from './tokenizer-error.js';

/** The ids a post-processor puts before and after a single sequence (Llama-2: `<s>` before). */
export interface SpecialTokenAffixes {
  readonly prefix: readonly number[];
  readonly suffix: readonly number[];
}

const PROBE = 'a';

/**
 * Finds what `add_special_tokens` adds around one sequence by encoding a probe both ways and
 * locating the plain ids inside the special ones. Truncation needs it: transformers truncates the
 * text so that text plus these tokens fit `max_length`.
 */
export function specialTokenAffixes(
  encode: (text: string, addSpecial: boolean) => number[],
): SpecialTokenAffixes {
  const plain = encode(PROBE, false);
  const full = encode(PROBE, true);
  for (let start = 0; start + plain.length <= full.length; start++) {
    if (plain.every((id, i) => full[start + i] === id)) {
      return { prefix: full.slice(0, start), suffix: full.slice(start + plain.length) };
    }
  }
  throw new TokenizerError(
    `the post-processor does not wrap a sequence in fixed tokens (probe ${JSON.stringify(PROBE)}: [${plain}] -> [${full}])`,
    { field: 'post_processor', expected: 'TemplateProcessing, ByteLevel, Bert/RobertaProcessing or none' },
  );
}
