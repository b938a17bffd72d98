import { rmsNorm, tf } from '@medgpt/core-tensor';
import type { ForwardContext } from './forward-context.js';
import { mlp } from './mlp.js';
import { selfAttention } from './self-attention.js';

/** One pre-norm decoder layer on the residual stream x [batch * T, hidden]. */
export function decoderLayer(ctx: ForwardContext, layer: number, x: tf.Tensor2D): tf.Tensor2D {
  const eps = ctx.config.rmsNormEps;
  const p = `model.layers.${layer}.`;
  const attended: tf.Tensor2D = tf.add(
    x,
    selfAttention(ctx, layer, rmsNorm(x, ctx.weight(`${p}input_layernorm.weight`) as tf.Tensor1D, eps)),
  );
  return tf.add<tf.Tensor2D>(
    attended,
    mlp(ctx, layer, rmsNorm(attended, ctx.weight(`${p}post_attention_layernorm.weight`) as tf.Tensor1D, eps)),
  );
}
