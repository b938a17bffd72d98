import { attention, rmsNorm, rope, tf } from '@medgpt/core-tensor';
import type { ForwardContext } from './forward-context.js';

// Qwen3's per-head RMSNorm: each head's headDim features are normalised on their own.
function headNorm(ctx: ForwardContext, x: tf.Tensor2D, weightName: string): tf.Tensor2D {
  const [tokens, width] = x.shape;
  const headDim = ctx.config.headDim;
  const normed = rmsNorm(
    tf.reshape(x, [(tokens * width) / headDim, headDim]),
    ctx.weight(weightName) as tf.Tensor1D,
    ctx.config.rmsNormEps,
  );
  return tf.reshape(normed, [tokens, width]);
}

/**
 * The attention block of decoder layer `layer` on normalised input h [batch * T, hidden]: q/k/v
 * projections, optional q/k norm, RoPE at the tokens' positions, causal grouped-query attention (with
 * the layer's sliding window; over the cache when generating), and o_proj. Returns [batch * T, hidden].
 */
export function selfAttention(ctx: ForwardContext, layer: number, h: tf.Tensor2D): tf.Tensor2D {
  const c = ctx.config;
  const p = `model.layers.${layer}.self_attn.`;
  let q = ctx.linear(`${p}q_proj`, h);
  let k = ctx.linear(`${p}k_proj`, h);
  let v = ctx.linear(`${p}v_proj`, h);
  if (c.qkNorm) {
    q = headNorm(ctx, q, `${p}q_norm.weight`);
    k = headNorm(ctx, k, `${p}k_norm.weight`);
  }
  [q, k] = rope(q, k, ctx.positions, ctx.rope);
  let queryOffset: number | undefined;
  if (ctx.cache !== undefined) {
    ({ k, v } = ctx.cache.kv.write(layer, k, v, ctx.cache.offset));
    queryOffset = ctx.cache.offset;
  }
  const out = attention(q, k, v, {
    numHeads: c.numAttentionHeads,
    numKvHeads: c.numKeyValueHeads,
    batch: ctx.batch,
    attentionMask: ctx.attentionMask,
    segmentIds: ctx.segmentIds,
    slidingWindow: c.slidingWindows[layer],
    queryOffset,
  });
  return ctx.linear(`${p}o_proj`, out);
}
