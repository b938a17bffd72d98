import { swiglu, type tf } from '@medgpt/core-tensor';
import type { ForwardContext } from './forward-context.js';
import { sparseMoeBlock } from './moe/sparse-moe-block.js';

/**
 * The MLP of decoder layer `layer`: down_proj(silu(gate_proj(h)) * up_proj(h)), or a mixture of
 * experts' sparse block in its sparse layers.
 */
export function mlp(ctx: ForwardContext, layer: number, h: tf.Tensor2D): tf.Tensor2D {
  if (ctx.config.moe?.sparseLayers[layer]) return sparseMoeBlock(ctx, layer, h);
  const p = `model.layers.${layer}.mlp.`;
  return ctx.linear(`${p}down_proj`, swiglu(ctx.linear(`${p}gate_proj`, h), ctx.linear(`${p}up_proj`, h)));
}
