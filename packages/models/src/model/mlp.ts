import { swiglu, tf } from '@medgpt/core-tensor';
import type { ForwardContext } from './forward-context.js';
import { geluTanh } from './gelu-tanh.js';
import { sparseMoeBlock } from './moe/sparse-moe-block.js';

/**
 * The MLP of decoder layer `layer`: down_proj(act(gate_proj(h)) * up_proj(h)) with act SiLU (or Gemma's
 * GELU-tanh), or a mixture of experts' sparse block in its sparse layers.
 */
export function mlp(ctx: ForwardContext, layer: number, h: tf.Tensor2D): tf.Tensor2D {
  if (ctx.config.moe?.sparseLayers[layer]) return sparseMoeBlock(ctx, layer, h);
  const p = `model.layers.${layer}.mlp.`;
  const gate = ctx.linear(`${p}gate_proj`, h);
  const up = ctx.linear(`${p}up_proj`, h);
  // Gemma's GeGLU has no fused op: composed (see core-tensor's swiglu for SiLU's).
  const act = ctx.config.hiddenAct === 'gelu_pytorch_tanh' ? tf.mul(geluTanh(gate), up) : swiglu(gate, up);
  return ctx.linear(`${p}down_proj`, act as tf.Tensor2D);
}
