/** Prompts as token id rows, or an already padded batch with its attention mask. */
export type GenerationInput =
  | readonly (readonly number[])[]
  | { inputIds: readonly (readonly number[])[]; attentionMask: readonly (readonly number[])[] };

export interface PaddedBatch {
  ids: number[][];
  mask: number[][];
}

/**
 * Left-pads rows of different lengths to a common length (decoders generate from the right end), or
 * checks a given padded batch. Rows must not be empty.
 */
export function leftPadBatch(input: GenerationInput, padTokenId: number | null): PaddedBatch {
  if (!Array.isArray(input)) {
    const { inputIds, attentionMask } = input as Exclude<GenerationInput, readonly (readonly number[])[]>;
    const t = inputIds[0]?.length ?? 0;
    const ok =
      inputIds.length > 0 &&
      attentionMask.length === inputIds.length &&
      inputIds.every(
        (r, b) => r.length === t && attentionMask[b]!.length === t && attentionMask[b]!.some((m) => m === 1),
      );
    if (!ok || t === 0) {
      throw new Error(
        'generate: inputIds and attentionMask must be equal-size, non-empty rows, each with a real token',
      );
    }
    return { ids: inputIds.map((r) => [...r]), mask: attentionMask.map((r) => r.map((m) => (m ? 1 : 0))) };
  }
  const rows = input as readonly (readonly number[])[];
  if (rows.length === 0 || rows.some((r) => r.length === 0))
    throw new Error('generate: every prompt needs at least one token');
  const t = Math.max(...rows.map((r) => r.length));
  if (rows.some((r) => r.length < t) && padTokenId === null) {
    throw new Error(
      'generate: prompts of different lengths need a pad token id (pad_token_id, else eos_token_id)',
    );
  }
  return {
    ids: rows.map((r) => [...new Array<number>(t - r.length).fill(padTokenId ?? 0), ...r]),
    mask: rows.map((r) => [
      ...new Array<number>(t - r.length).fill(0),
      ...new Array<number>(r.length).fill(1),
    ]),
  };
}
