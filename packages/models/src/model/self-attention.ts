import { attention, rope, tf } from '@medgpt/core-tensor';
import { alibiSlopes } from './alibi-slopes.js';
import { composedAttention } from './composed-attention.js';
import { decoderNorm } from './decoder-norm.js';
import type { ForwardContext } from './forward-context.js';
import { shiftedSparseAttention, type AttendFn } from './shifted-sparse-attention.js';

// Qwen3's / Gemma 3's per-head RMSNorm: each head's headDim features are normalised on their own.
function headNorm(ctx: ForwardContext, x: tf.Tensor2D, weightName: string): tf.Tensor2D {
  const [tokens, width] = x.shape;
  const headDim = ctx.config.headDim;
  const normed = decoderNorm(ctx, tf.reshape(x, [(tokens * width) / headDim, headDim]), weightName);
  return tf.reshape(normed, [tokens, width]);
}

// q, k, v from their own projections, or split from Baichuan's fused W_pack (q rows first).
function projectQkv(ctx: ForwardContext, p: string, h: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D] {
  const c = ctx.config;
  if (!c.packedQkv)
    return [ctx.linear(`${p}q_proj`, h), ctx.linear(`${p}k_proj`, h), ctx.linear(`${p}v_proj`, h)];
  const kv = c.numKeyValueHeads * c.headDim;
  return tf.split(ctx.linear(`${p}W_pack`, h), [c.numAttentionHeads * c.headDim, kv, kv], 1) as [
    tf.Tensor2D,
    tf.Tensor2D,
    tf.Tensor2D,
  ];
}

const slopesByHeads = new Map<number, number[]>();

/**
 * The attention block of decoder layer `layer` on normalised input h [batch * T, hidden]: q/k/v
 * projections, optional q/k norm, RoPE at the tokens' positions (the local one on Gemma 3's sliding
 * layers; none with ALiBi), causal grouped-query attention (with the layer's sliding window; over the
 * cache when generating), and o_proj. Returns [batch * T, hidden]. Soft-capped or ALiBi scores go
 * through the composed attention, everything else through the fused kernel.
 */
export function selfAttention(ctx: ForwardContext, layer: number, h: tf.Tensor2D): tf.Tensor2D {
  const c = ctx.config;
  const p = `model.layers.${layer}.self_attn.`;
  let [q, k, v] = projectQkv(ctx, p, h);
  if (c.qkNorm) {
    q = headNorm(ctx, q, `${p}q_norm.weight`);
    k = headNorm(ctx, k, `${p}k_norm.weight`);
  }
  const slidingWindow = c.slidingWindows[layer];
  const alibi = c.positionEncoding === 'alibi';
  if (!alibi) {
    const local = slidingWindow !== null && slidingWindow !== undefined ? ctx.localRope : undefined;
    [q, k] = rope(q, k, ctx.positions, local ?? ctx.rope);
  }
  let queryOffset: number | undefined;
  if (ctx.cache !== undefined) {
    ({ k, v } = ctx.cache.kv.write(layer, k, v, ctx.cache.offset));
    queryOffset = ctx.cache.offset;
  }
  const options = {
    numHeads: c.numAttentionHeads,
    numKvHeads: c.numKeyValueHeads,
    batch: ctx.batch,
    attentionMask: ctx.attentionMask,
    segmentIds: ctx.segmentIds,
    slidingWindow,
    queryOffset,
    scale: c.queryPreAttnScalar === undefined ? undefined : c.queryPreAttnScalar ** -0.5,
  };
  const softcap = c.attnLogitSoftcapping ?? null;
  let attend: AttendFn = attention;
  if (softcap !== null || alibi) {
    const heads = c.numAttentionHeads;
    if (alibi && !slopesByHeads.has(heads)) slopesByHeads.set(heads, alibiSlopes(heads));
    attend = (q2, k2, v2, o) =>
      composedAttention(q2, k2, v2, { ...o, softcap, alibiSlopes: alibi ? slopesByHeads.get(heads)! : null });
  }
  // LongLoRA's S²-Attn in training forwards only; generation (with a cache) attends in full.
  const s2 = ctx.shiftedSparseAttention;
  let out: tf.Tensor2D;
  if (s2 && ctx.cache === undefined) {
    // Each half of the heads would need its own half of the slopes; LongLoRA is for RoPE models.
    if (alibi) throw new Error('shifted sparse attention (S²-Attn) is not supported with ALiBi attention');
    out = shiftedSparseAttention(q, k, v, options, s2.groupSizeRatio, attend);
  } else out = attend(q, k, v, options);
  return ctx.linear(`${p}o_proj`, out);
}
