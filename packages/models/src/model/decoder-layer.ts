import { tf } from '@medgpt/core-tensor';
import { decoderNorm } from './decoder-norm.js';
import type { ForwardContext } from './forward-context.js';
import { mlp } from './mlp.js';
import { selfAttention } from './self-attention.js';

/**
 * One pre-norm decoder layer on the residual stream x [batch * T, hidden]. With Gemma's sandwich
 * norms, each block's output is normalised too before it joins the stream, and post_attention_layernorm
 * is the attention output's norm (pre_feedforward_layernorm then precedes the MLP).
 */
export function decoderLayer(ctx: ForwardContext, layer: number, x: tf.Tensor2D): tf.Tensor2D {
  const p = `model.layers.${layer}.`;
  const norm = (h: tf.Tensor2D, name: string) => decoderNorm(ctx, h, `${p}${name}.weight`);
  if (ctx.config.sandwichNorms) {
    const attention = selfAttention(ctx, layer, norm(x, 'input_layernorm'));
    const attended: tf.Tensor2D = tf.add(x, norm(attention, 'post_attention_layernorm'));
    const fed = mlp(ctx, layer, norm(attended, 'pre_feedforward_layernorm'));
    return tf.add<tf.Tensor2D>(attended, norm(fed, 'post_feedforward_layernorm'));
  }
  const attended: tf.Tensor2D = tf.add(x, selfAttention(ctx, layer, norm(x, 'input_layernorm')));
  return tf.add<tf.Tensor2D>(attended, mlp(ctx, layer, norm(attended, 'post_attention_layernorm')));
}
