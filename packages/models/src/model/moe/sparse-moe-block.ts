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
  const tokens = h.shape[0];
  const modules = moeModuleNames(moe, layer);
  const routing = routeTokens(ctx.linear(modules.router, h), moe);
  if (ctx.routerStats) ctx.routerStats.add(layerRouterStats(routing, k, ctx.routerStats.rowMask));
  const grouped = tf.gather(h, routing.tokenOfPosition) as tf.Tensor2D;
  const out = expertMlps(ctx, modules, grouped, routing.groupSizes);
  // Each token's k outputs gathered back (its j-th choice's row for every token at once), weighted and
  // added in choice order. Not tf.sum over a [tokens, k, hidden] view: tfjs's Sum gradient multiplies by
  // a ones tensor of that shape made on the host (16 MiB filled in JS and uploaded per layer at the bench
  // size); gather, mul and addN have device-only gradients.
  const positions =
    k === 1 ? [routing.positionOfSlot] : tf.split(tf.reshape(routing.positionOfSlot, [tokens, k]), k, 1);
  const weights = k === 1 ? [routing.weights] : tf.split(tf.reshape(routing.weights, [tokens, k]), k, 1);
  const parts = positions.map((p, j) => {
    const rows = tf.gather(out, tf.reshape(p, [tokens]));
    return tf.mul(rows, tf.reshape(weights[j]!, [tokens, 1])) as tf.Tensor2D;
  });
  return parts.length === 1 ? parts[0]! : (tf.addN(parts) as tf.Tensor2D);
}
