import { tf } from '@medgpt/core-tensor';
import { moeModuleNames } from '../../weights/moe-module-names.js';
import type { ForwardContext } from '../forward-context.js';
import { expertMlps } from './expert-mlps.js';
import { layerRouterStats } from './router-stats.js';
import { routeTokens } from './route-tokens.js';

/**
 * The sparse MoE block of layer `layer` on h [tokens, hidden] (MixtralSparseMoeBlock,
 * Qwen3MoeSparseMoeBlock): route each token to its top-k experts and sort the slots by expert (one
 * kernel), gather the token rows in that order, run each expert on its rows only (`expertMlps`: one
 * grouped matmul per projection), then sum each token's expert outputs times its routing weights. No
 * dense pass over all tokens, no masks, and no host read: the work is tokens * k rows.
 */
export function sparseMoeBlock(ctx: ForwardContext, layer: number, h: tf.Tensor2D): tf.Tensor2D {
  const moe = ctx.config.moe!;
  const k = moe.numExpertsPerTok;
  const [tokens, hidden] = h.shape;
  const modules = moeModuleNames(moe, layer);
  const routing = routeTokens(ctx.linear(modules.router, h), moe);
  if (ctx.routerStats) ctx.routerStats.add(layerRouterStats(routing, k, ctx.routerStats.rowMask));
  const grouped = tf.gather(h, routing.tokenOfPosition) as tf.Tensor2D;
  const out = expertMlps(ctx, modules, grouped, routing.groupSizes);
  // Back to slot order (token-major), weighted, then each token's k outputs summed.
  const perSlot = tf.gather(out, routing.positionOfSlot);
  const weighted = tf.mul(perSlot, tf.reshape(routing.weights, [tokens * k, 1]));
  return tf.sum(tf.reshape(weighted, [tokens, k, hidden]), 1);
}
