import { tf } from '../tf.js';
import { attentionAttrs, type AttentionOptions } from './attention.js';

// Added to the scores of hidden keys: exp() of it underflows to exactly 0 next to any visible key.
const HIDDEN = -1e9;

/**
 * `attention` written with plain tfjs ops (materialises [B, H, Tq, S] scores), differentiable by tfjs's
 * own gradients. It runs on every backend and is the oracle the fused kernel is tested against.
 */
export function attentionReference(
  q: tf.Tensor,
  k: tf.Tensor,
  v: tf.Tensor,
  opts: AttentionOptions,
): tf.Tensor2D {
  const a = attentionAttrs(q, k, v, opts);
  const { batch, numHeads: h, numKvHeads: hkv } = a;
  const d = q.shape[1]! / h;
  const tq = q.shape[0]! / batch;
  const s = k.shape[0]! / batch;
  return tf.tidy(() => {
    const heads = (x: tf.Tensor, t: number, n: number): tf.Tensor4D =>
      tf.transpose(tf.reshape(x, [batch, t, n, d]), [0, 2, 1, 3]);
    // Repeat each kv head for its group of query heads (HF repeat_kv order: head h uses kv head h / group).
    // Tiled as rank 3: tfjs has no Tile gradient above rank 4.
    const repeatKv = (x: tf.Tensor): tf.Tensor4D =>
      tf.reshape(tf.tile(tf.reshape(heads(x, s, hkv), [batch * hkv, 1, s * d]), [1, h / hkv, 1]), [
        batch,
        h,
        s,
        d,
      ]);
    const visible = tf.mul(
      visibleKeys(a.queryOffset, tq, s, a.slidingWindow, batch, opts.attentionMask),
      sameSegment(a.queryOffset, tq, s, batch, opts.segmentIds),
    );
    const scores = tf.mul(tf.matMul(heads(q, tq, h), repeatKv(k), false, true), a.scale);
    const masked = tf.add(scores, tf.mul(tf.sub(1, visible), HIDDEN));
    // Rows with no visible key: softmax is uniform over the hidden keys; zero it out.
    const anyVisible = tf.cast(tf.greater(tf.sum(visible, -1, true), 0), 'float32');
    const probs = tf.mul(tf.softmax(masked), anyVisible);
    const out = tf.matMul(probs, repeatKv(v));
    return tf.reshape(tf.transpose(out, [0, 2, 1, 3]), [batch * tq, h * d]) as tf.Tensor2D;
  });
}

/** float32 [B, 1, Tq, S]: 1 where query i (at position offset + i) may see key j. */
function visibleKeys(
  offset: number,
  tq: number,
  s: number,
  window: number,
  batch: number,
  mask: tf.Tensor | undefined,
): tf.Tensor {
  const qPos = tf.reshape(tf.range(offset, offset + tq, 1, 'int32'), [tq, 1]);
  const kPos = tf.reshape(tf.range(0, s, 1, 'int32'), [1, s]);
  let visible = tf.lessEqual(kPos, qPos);
  if (window > 0) visible = tf.logicalAnd(visible, tf.greater(kPos, tf.sub(qPos, window)));
  const keyMask = mask
    ? tf.notEqual(tf.reshape(mask, [batch, 1, 1, s]), 0)
    : tf.ones([batch, 1, 1, s], 'bool');
  return tf.cast(tf.logicalAnd(tf.reshape(visible, [1, 1, tq, s]), keyMask), 'float32');
}

/** float32 [B, 1, Tq, S] (or a scalar 1 without packing): 1 where query i and key j share a segment. */
function sameSegment(
  offset: number,
  tq: number,
  s: number,
  batch: number,
  segmentIds: tf.Tensor | undefined,
): tf.Tensor {
  if (!segmentIds) return tf.scalar(1);
  const querySegments = tf.reshape(tf.slice(segmentIds, [0, offset], [batch, tq]), [batch, 1, tq, 1]);
  const keySegments = tf.reshape(segmentIds, [batch, 1, 1, s]);
  return tf.cast(tf.equal(querySegments, keySegments), 'float32');
}
