import { tf } from '@medgpt/core-tensor';
import { selectNextToken } from '@medgpt/models';
import type { EngineSequence } from './engine-sequence.js';

/** Greedy decoding without a repetition penalty needs only the argmax of the raw logits. */
export function argmaxOnly(s: EngineSequence): boolean {
  return !s.settings.doSample && s.settings.repetitionPenalty === 1;
}

/**
 * The next token of each sequence from its row of `logits` ([group, vocab]). Rows that only need the
 * argmax take it on the backend, so one int32 per row crosses to the host instead of the whole row
 * (64 rows of a 152k vocabulary are 39 MB a step); the other rows are read back and go through the
 * host sampler (repetition penalty, temperature, top-k/top-p/min-p, the sequence's own seeded draw).
 * Both give the token `selectNextToken` would: the first index of the largest logit on ties.
 */
export async function selectNextTokens(
  logits: tf.Tensor2D,
  group: readonly EngineSequence[],
): Promise<number[]> {
  const onDevice: number[] = [];
  const onHost: number[] = [];
  group.forEach((s, b) => (argmaxOnly(s) ? onDevice : onHost).push(b));
  const pick = (rows: number[]) => (rows.length === group.length ? logits : tf.gather(logits, rows));
  const ids = onDevice.length > 0 ? tf.tidy(() => tf.argMax(pick(onDevice), 1)) : null;
  const host = onHost.length > 0 ? pick(onHost) : null;
  try {
    const [idValues, hostValues] = await Promise.all([ids?.data(), host?.data()]);
    const tokens = new Array<number>(group.length);
    onDevice.forEach((b, i) => (tokens[b] = idValues![i]!));
    const vocab = logits.shape[1];
    onHost.forEach((b, i) => {
      const s = group[b]!;
      const row = (hostValues as Float32Array).subarray(i * vocab, (i + 1) * vocab);
      tokens[b] = selectNextToken(row, s.seen, s.settings, s.rng);
    });
    return tokens;
  } finally {
    ids?.dispose();
    if (host !== logits) host?.dispose();
  }
}
