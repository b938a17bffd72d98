/**
 * The position transformers' `<Arch>ForSequenceClassification` reads each row's score at: the
 * rightmost token whose id is not `padTokenId` (`(arange(T) * (ids != pad)).argmax(-1)`). It goes by
 * token id, not by attention mask: with pad == eos a trailing eos is passed over, and an all-pad row
 * gives 0. Left and right padding both work. With no pad id it is the last position, T - 1, and, as
 * in transformers, only a batch of one row is allowed (padding could not be told apart).
 *
 * ```ts
 * lastNonPadIndex([[5, 6, 0, 0], [0, 7, 8, 9]], 0); // [1, 3]
 * ```
 */
export function lastNonPadIndex(inputIds: readonly ArrayLike<number>[], padTokenId: number | null): number[] {
  if (inputIds.some((row) => row.length === 0))
    throw new RangeError('lastNonPadIndex: every row needs a token');
  if (padTokenId === null) {
    if (inputIds.length > 1) {
      throw new Error(
        `lastNonPadIndex: there is no pad token id, so a batch of ${inputIds.length} rows cannot be pooled ` +
          "(transformers refuses it too); set the model's pad token id (model.setPadTokenId(tokenizer.padTokenId))",
      );
    }
    return inputIds.map((row) => row.length - 1);
  }
  return inputIds.map((row) => {
    for (let t = row.length - 1; t > 0; t--) if (row[t] !== padTokenId) return t;
    return 0;
  });
}
