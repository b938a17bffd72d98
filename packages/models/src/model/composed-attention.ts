import { attentionAttrs, tf, type AttentionOptions } from '@medgpt/core-tensor';

// Added to the scores of hidden keys: exp() of it underflows to exactly 0 next to any visible key.
const HIDDEN = -1e9;

export interface ComposedAttentionOptions extends AttentionOptions {
  /** cap * tanh(score / cap) on the scaled scores, before the mask (Gemma 2); null = none. */
  softcap: number | null;
  /** ALiBi: per query head, slope * (key index - query index) added to the scores; null = none. */
  alibiSlopes: readonly number[] | null;
}

/**
 * core-tensor's `attention` (same inputs, masking, windows, packing, KV-cache offset and outputs) with
 * the two score modifications its fused kernel has no attribute for: Gemma 2's soft-capping and
 * ALiBi biases. Composed from plain tfjs ops, so it materialises the [B, H, Tq, S] scores (tfjs's
 * own gradients); the fused kernel stays the path of every other model.
 *
 * The ALiBi bias counts key columns, which are consecutive tokens in every caller (training rows,
 * left-padded generation, the serving engine's right-aligned view), so it is the token distance;
 * Baichuan's slope * key index differs from it by a per-row constant, which softmax ignores.
 */
export function composedAttention(
  q: tf.Tensor,
  k: tf.Tensor,
  v: tf.Tensor,
  opts: ComposedAttentionOptions,
): tf.Tensor2D {
  const a = attentionAttrs(q, k, v, opts);
  const { batch, numHeads: h, numKvHeads: hkv } = a;
  const d = q.shape[1]! / h;
  const group = h / hkv;
  const tq = q.shape[0]! / batch;
  const s = k.shape[0]! / batch;
  return tf.tidy(() => {
    const heads = (x: tf.Tensor, t: number, n: number): tf.Tensor4D =>
      tf.transpose(tf.reshape(x, [batch, t, n, d]), [0, 2, 1, 3]);
    // Grouped-query attention without copying k/v: the query heads of one kv head are stacked as rows.
    const grouped = tf.reshape(heads(q, tq, h), [batch, hkv, group * tq, d]);
    const keys = heads(k, s, hkv);
    let scores: tf.Tensor = tf.mul(
      tf.reshape(tf.matMul(grouped, keys, false, true), [batch, h, tq, s]),
      a.scale,
    );
    if (opts.softcap !== null) scores = tf.mul(tf.tanh(tf.div(scores, opts.softcap)), opts.softcap);
    // Query i sits at key column offset + i.
    const qPos = tf.tensor2d(
      Array.from({ length: tq }, (_, i) => a.queryOffset + i),
      [tq, 1],
      'int32',
    );
    const kPos = tf.tensor2d(
      Array.from({ length: s }, (_, j) => j),
      [1, s],
      'int32',
    );
    if (opts.alibiSlopes !== null) {
      const distance = tf.reshape(tf.cast(tf.sub(kPos, qPos), 'float32'), [1, 1, tq, s]);
      scores = tf.add(scores, tf.mul(tf.tensor4d([...opts.alibiSlopes], [1, h, 1, 1]), distance));
    }
    const visible = visibleKeys(kPos, qPos, a, opts);
    const masked = tf.add(scores, tf.mul(tf.sub(1, visible), HIDDEN));
    // Softmax from max/exp/sum (every backend has those); rows with no visible key output 0.
    const shifted = tf.exp(tf.sub(masked, tf.max(masked, -1, true)));
    const anyVisible = tf.cast(tf.greater(tf.sum(visible, -1, true), 0), 'float32');
    const probs = tf.mul(tf.div(shifted, tf.sum(shifted, -1, true)), anyVisible);
    const out = tf.matMul(tf.reshape(probs, [batch, hkv, group * tq, s]), heads(v, s, hkv));
    return tf.reshape(tf.transpose(tf.reshape(out, [batch, h, tq, d]), [0, 2, 1, 3]), [
      batch * tq,
      h * d,
    ]) as tf.Tensor2D;
  });
}

/** float32 [B or 1, 1, Tq, S]: 1 where the query may see the key (causal, window, padding, same sample). */
function visibleKeys(
  kPos: tf.Tensor2D,
  qPos: tf.Tensor2D,
  a: { slidingWindow: number; queryOffset: number; batch: number },
  opts: AttentionOptions,
): tf.Tensor {
  const [tq, s] = [qPos.shape[0], kPos.shape[1]];
  let causal = tf.lessEqual(kPos, qPos);
  if (a.slidingWindow > 0) causal = tf.logicalAnd(causal, tf.greater(kPos, tf.sub(qPos, a.slidingWindow)));
  let visible = tf.reshape(tf.cast(causal, 'float32'), [1, 1, tq, s]);
  const mask = opts.attentionMask;
  if (mask !== undefined)
    visible = tf.mul(visible, tf.reshape(tf.cast(tf.notEqual(mask, 0), 'float32'), [a.batch, 1, 1, s]));
  const segments = opts.segmentIds;
  if (segments !== undefined) {
    const querySegments = tf.reshape(tf.slice(segments, [0, a.queryOffset], [a.batch, tq]), [
      a.batch,
      1,
      tq,
      1,
    ]);
    const same = tf.equal(querySegments, tf.reshape(segments, [a.batch, 1, 1, s]));
    visible = tf.mul(visible, tf.cast(same, 'float32'));
  }
  return visible;
}
