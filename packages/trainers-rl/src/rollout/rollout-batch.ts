/** One prompt with one of its completions, as a training row. */
export interface RolloutRow {
  readonly promptIds: readonly number[];
  readonly completionIds: readonly number[];
  /** false: the completion takes no loss (a truncated one under mask_truncated_completions). */
  readonly counted: boolean;
}

/**
 * A micro-batch of rollouts on the host, laid out for CausalLM.tokenLogprobs: rows of prompt +
 * completion, right-padded to `length`; `labels` hold the completion tokens (-100 elsewhere), and
 * `mask[b * length + t]` is 1 where position t predicts a counted completion token (the shifted label),
 * which is where tokenLogprobs' output for that token sits.
 */
export interface RolloutBatch {
  readonly rows: number;
  readonly length: number;
  readonly ids: Int32Array;
  readonly attention: Int32Array;
  readonly labels: Int32Array;
  readonly mask: Float32Array;
  /** Completion tokens that take loss. */
  readonly maskSum: number;
  /** Prompt and completion tokens (tokens/s). */
  readonly tokens: number;
}

/** Lays out `rows` (see RolloutBatch); padding uses `padTokenId` and is masked from attention. */
export function rolloutBatch(rows: readonly RolloutRow[], padTokenId: number): RolloutBatch {
  const length = Math.max(1, ...rows.map((r) => r.promptIds.length + r.completionIds.length));
  const n = rows.length * length;
  const ids = new Int32Array(n).fill(padTokenId);
  const attention = new Int32Array(n);
  const labels = new Int32Array(n).fill(-100);
  const mask = new Float32Array(n);
  let maskSum = 0;
  let tokens = 0;
  rows.forEach((r, b) => {
    const base = b * length;
    const p = r.promptIds.length;
    const all = [...r.promptIds, ...r.completionIds];
    all.forEach((id, t) => {
      ids[base + t] = id;
      attention[base + t] = 1;
    });
    tokens += all.length;
    r.completionIds.forEach((id, i) => {
      labels[base + p + i] = id;
      // Position p + i - 1 predicts completion token i (the prompt's last position predicts the first).
      if (r.counted && p + i >= 1) {
        mask[base + p + i - 1] = 1;
        maskSum += 1;
      }
    });
  });
  return { rows: rows.length, length, ids, attention, labels, mask, maskSum, tokens };
}
