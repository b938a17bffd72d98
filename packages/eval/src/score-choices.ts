import { noGrad, tf } from '@medgpt/core-tensor';
import type { CausalLM } from '@medgpt/models';

/**
 * For each prompt (token ids), the log-probability of each candidate next token after it: rows are
 * right-padded into one batch, one forward, and only each row's last position meets the LM head, so a
 * batch costs one forward and `rows` head products. Off the tape. `candidates[i]` are the token ids to
 * score after prompt i (the option letters). Returns [prompts][candidates].
 */
export function scoreNextTokens(
  model: CausalLM,
  prompts: readonly (readonly number[])[],
  candidates: readonly (readonly number[])[],
  padTokenId: number,
): number[][] {
  if (prompts.length === 0) return [];
  const t = Math.max(...prompts.map((p) => p.length));
  if (prompts.some((p) => p.length === 0))
    throw new Error('scoreNextTokens: an empty prompt has no next token');
  return noGrad(() =>
    tf.tidy(() => {
      const ids = prompts.map((p) => [...p, ...new Array<number>(t - p.length).fill(padTokenId)]);
      const mask = prompts.map((p) => Array.from({ length: t }, (_, j) => (j < p.length ? 1 : 0)));
      const hidden = model.hiddenStates({
        inputIds: tf.tensor2d(ids, [prompts.length, t], 'int32'),
        attentionMask: tf.tensor2d(mask, [prompts.length, t], 'int32'),
      });
      const last = tf.tensor1d(
        prompts.map((p, b) => b * t + p.length - 1),
        'int32',
      );
      const logp = tf.logSoftmax(model.logits(tf.gather(hidden, last) as tf.Tensor2D));
      // Only the candidates' log-probabilities cross to the host, not rows x vocabulary floats.
      const vocab = logp.shape[1]!;
      const flat = candidates.flatMap((c, b) => c.map((id) => b * vocab + id));
      const picked = tf.gather(tf.reshape(logp, [-1]), tf.tensor1d(flat, 'int32')).dataSync();
      let k = 0;
      return candidates.map((c) => c.map(() => picked[k++]!));
    }),
  );
}
