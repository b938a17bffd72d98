import { tf, type AttentionOptions } from '@medgpt/core-tensor';
import { rollSequence } from './roll-sequence.js';

/** LongLoRA's S²-Attn setting: each group holds `groupSizeRatio` of the row's tokens (1/4 in LongLoRA). */
export interface ShiftedSparseAttention {
  groupSizeRatio: number;
}

/** The attention S²-Attn runs inside the groups (the fused kernel, or the composed one). */
export type AttendFn = (
  q: tf.Tensor2D,
  k: tf.Tensor2D,
  v: tf.Tensor2D,
  opts: AttentionOptions,
) => tf.Tensor2D;

/** LongLoRA's group size for a row of `seqLen` tokens: int(seqLen * ratio), which must divide seqLen. */
export function shiftedGroupSize(seqLen: number, groupSizeRatio: number): number {
  const group = Math.floor(seqLen * groupSizeRatio);
  if (group < 1 || seqLen % group !== 0) {
    throw new Error(
      `shifted sparse attention (S²-Attn): a row of ${seqLen} tokens cannot be cut into groups of int(${seqLen} * ${groupSizeRatio}) = ${group}; pad rows to a multiple of ${Math.round(1 / groupSizeRatio)} tokens`,
    );
  }
  return group;
}

/**
 * LongLoRA's shifted sparse attention on training rows (q [B*T, H*D], k/v [B*T, Hkv*D], RoPE already
 * applied): causal attention only inside groups of G = int(T * ratio) tokens; the second half of the
 * heads first has q, k, v (and the key mask) rolled by -G/2 along T, so its groups straddle the first
 * half's, and its output rolled back by +G/2. As in LongLoRA the rolled half's last group wraps around:
 * the row's first G/2 tokens sit after its last G/2 and see them. Groups are segment ids, so the fused
 * kernel does the work; packed rows' own segment ids are kept (a group never crosses a sample).
 */
export function shiftedSparseAttention(
  q: tf.Tensor2D,
  k: tf.Tensor2D,
  v: tf.Tensor2D,
  opts: AttentionOptions & { batch: number },
  groupSizeRatio: number,
  attend: AttendFn,
): tf.Tensor2D {
  const { batch, numHeads } = opts;
  const seqLen = q.shape[0] / batch;
  const group = shiftedGroupSize(seqLen, groupSizeRatio);
  if (numHeads % 2 !== 0)
    throw new Error(`shifted sparse attention (S²-Attn) shifts half the heads: ${numHeads} heads is odd`);
  const shift = Math.floor(group / 2);
  return tf.tidy(() => {
    let kvHeads = opts.numKvHeads ?? numHeads;
    // Both halves of the query heads need their own kv heads: repeat an odd number of kv heads per query head.
    if (kvHeads % 2 !== 0) {
      [k, v] = [repeatHeads(k, kvHeads, numHeads / kvHeads), repeatHeads(v, kvHeads, numHeads / kvHeads)];
      kvHeads = numHeads;
    }
    const [q1, q2] = tf.split(q, 2, 1) as tf.Tensor2D[];
    const [k1, k2] = tf.split(k, 2, 1) as tf.Tensor2D[];
    const [v1, v2] = tf.split(v, 2, 1) as tf.Tensor2D[];
    const groups = tf.tile(tf.reshape(tf.floorDiv(tf.range(0, seqLen, 1, 'int32'), group), [1, seqLen]), [
      batch,
      1,
    ]);
    // A packed row's samples stay apart: (sample, group) pairs get distinct ids.
    const packed = opts.segmentIds;
    const ids = (segments: tf.Tensor | undefined) =>
      segments === undefined
        ? groups
        : tf.add(tf.mul(tf.cast(segments, 'int32'), tf.scalar(seqLen / group, 'int32')), groups);
    const half = { ...opts, numHeads: numHeads / 2, numKvHeads: kvHeads / 2, queryOffset: undefined };
    const plain = attend(q1, k1, v1, { ...half, segmentIds: ids(packed) });
    const roll = <T extends tf.Tensor>(x: T, by: number): T => rollSequence(x, batch, seqLen, by);
    const mask = opts.attentionMask;
    const shifted = attend(roll(q2, -shift), roll(k2, -shift), roll(v2, -shift), {
      ...half,
      attentionMask: mask === undefined ? undefined : roll(mask, -shift),
      segmentIds: ids(packed === undefined ? undefined : roll(packed, -shift)),
    });
    return tf.concat([plain, roll(shifted, shift)], 1);
  });
}

// [N, kvHeads * D] -> [N, kvHeads * times * D], each kv head repeated for its `times` query heads.
function repeatHeads(x: tf.Tensor2D, kvHeads: number, times: number): tf.Tensor2D {
  const [n, width] = x.shape;
  const d = width / kvHeads;
  return tf.reshape(tf.tile(tf.reshape(x, [n, kvHeads, 1, d]), [1, 1, times, 1]), [n, width * times]);
}
