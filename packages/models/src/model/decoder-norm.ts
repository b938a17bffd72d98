import { rmsNorm, tf } from '@medgpt/core-tensor';
import type { ForwardContext } from './forward-context.js';

/**
 * RMSNorm of x [rows, n] with the parameter `weightName` [n]: x̂ * w, or Gemma's x̂ * (1 + w) (its
 * weights are stored centred on 0). The fused op gets 1 + w as its weight, so the gradient still
 * reaches w.
 */
export function decoderNorm(ctx: ForwardContext, x: tf.Tensor2D, weightName: string): tf.Tensor2D {
  const w = ctx.weight(weightName) as tf.Tensor1D;
  return rmsNorm(x, ctx.config.normPlusOne ? tf.add(w, 1) : w, ctx.config.rmsNormEps);
}
