import { swiglu, type tf } from '@medgpt/core-tensor';
import type { ForwardContext } from './forward-context.js';

/** The MLP of decoder layer `layer`: down_proj(silu(gate_proj(h)) * up_proj(h)). */
export function mlp(ctx: ForwardContext, layer: number, h: tf.Tensor2D): tf.Tensor2D {
  const p = `model.layers.${layer}.mlp.`;
  return ctx.linear(`${p}down_proj`, swiglu(ctx.linear(`${p}gate_proj`, h), ctx.linear(`${p}up_proj`, h)));
}
