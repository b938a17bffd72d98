import { tf } from '@medgpt/core-tensor';
import { moeModuleNames } from '../../weights/moe-module-names.js';
import type { ForwardContext } from '../forward-context.js';
import { expertMlps } from './expert-mlps.js';
import { groupByExpert } from './group-by-expert.js';
import { layerRouterStats } from './router-stats.js';
import { routeTokens } from './route-tokens.js';

/**
 * The sparse MoE block of layer `layer` on h [tokens, hidden] (MixtralSparseMoeBlock,
 * Qwen3MoeSparseMoeBlock): route each token to its top-k experts, gather the token rows grouped by
 * expert, run each expert on its rows only (`expertMlps`), then sum each token's expert outputs times
 * its routing weights. No dense pass over all tokens and no masks: the work is tokens * k rows.
 */
export function sparseMoeBlock(ctx: ForwardContext, layer: number, h: tf.Tensor2D): tf.Tensor2D {
  const moe = ctx.config.moe!;
  const k = moe.numExpertsPerTok;
  const [tokens, hidden] = h.shape;
  const modules = moeModuleNames(moe, layer);
  const routing = routeTokens(ctx.linear(modules.router, h), moe);
  if (ctx.routerStats) ctx.routerStats.add(layerRouterStats(routing, k, ctx.routerStats.rowMask));
  const groups = groupByExpert(routing.experts, moe.numExperts, k);
  const grouped = tf.gather(h, tf.tensor1d(groups.tokenOfPosition, 'int32')) as tf.Tensor2D;
  const out = expertMlps(ctx, modules, grouped, groups.counts);
  // Back to slot order (token-major), weighted, then each token's k outputs summed.
  const perSlot = tf.gather(out, tf.tensor1d(groups.positionOfSlot, 'int32'));
  const weighted = tf.mul(perSlot, tf.reshape(routing.weights, [tokens * k, 1]));
  return tf.sum(tf.reshape(weighted, [tokens, k, hidden]), 1);
}
