import { checkpoint, tf } from '@medgpt/core-tensor';
import { EMBED_TOKENS, FINAL_NORM } from '../weights/parameter-specs.js';
import { decoderLayer } from './decoder-layer.js';
import { decoderNorm } from './decoder-norm.js';
import { embeddingScale } from './embedding-scale.js';
import type { ForwardContext } from './forward-context.js';
import { CheckpointRouterStats } from './moe/checkpoint-router-stats.js';

/**
 * Embeds `ids` (int32 [batch * T]) and runs every decoder layer and the final norm: the hidden states
 * the LM head reads, float32 [batch * T, hidden]. Each layer runs in its own tidy, so only the
 * residual stream (and, when taping, what the gradients save) outlives it; with gradient
 * checkpointing a taped layer saves only its input and is recomputed during backward.
 */
export function runDecoder(ctx: ForwardContext, ids: tf.Tensor1D): tf.Tensor2D {
  let x = embed(ctx, ids);
  const recompute = ctx.gradientCheckpointing && ctx.cache === undefined;
  for (let layer = 0; layer < ctx.config.numHiddenLayers; layer++) {
    const next = recompute ? checkpointedLayer(ctx, layer, x) : tf.tidy(() => decoderLayer(ctx, layer, x));
    x.dispose();
    x = next;
  }
  const out = decoderNorm(ctx, x, FINAL_NORM);
  x.dispose();
  return out;
}

// The embedding lookup (Gemma's scaled, as its embedding module returns it), then the hook if any
// (NEFTune noise) before any layer reads it.
function embed(ctx: ForwardContext, ids: tf.Tensor1D): tf.Tensor2D {
  const hook = ctx.embeddingHook;
  const lookup = (): tf.Tensor2D => {
    const rows = tf.gather(ctx.weight(EMBED_TOKENS), ids) as tf.Tensor2D;
    return ctx.config.scaleEmbeddings ? tf.mul(rows, embeddingScale(ctx.config)) : rows;
  };
  if (hook === null) return tf.tidy(lookup);
  return tf.tidy(() => hook(ids, lookup()));
}

/**
 * A decoder layer that keeps only its input for backward and is recomputed then. The per-batch tensors
 * it reads (positions, mask, segment ids) are passed as checkpoint inputs, which keeps them alive until the
 * recomputation (the forward's tidy frees them); weights and adapters stay closure reads; the
 * generators of dropout in the hook are replayed.
 */
function checkpointedLayer(ctx: ForwardContext, layer: number, x: tf.Tensor2D): tf.Tensor2D {
  // Absent optional tensors are left out of the inputs; `present` says which of them the run receives.
  const optional = [ctx.attentionMask, ctx.segmentIds];
  const present = optional.map((t) => t !== undefined);
  const batchTensors = [ctx.positions, ...optional.filter((t): t is tf.Tensor2D => t !== undefined)];
  // A sparse layer feeding the load-balancing loss carries its routing out of the block packed.
  const stats =
    ctx.routerStats && ctx.config.moe?.sparseLayers[layer]
      ? new CheckpointRouterStats(ctx.routerStats)
      : null;
  const run = (h: tf.Tensor, positions: tf.Tensor, ...rest: tf.Tensor[]): tf.Tensor => {
    const [attentionMask, segmentIds] = present.map((p) => (p ? rest.shift() : undefined)) as (
      tf.Tensor2D | undefined
    )[];
    const packed = stats?.pack();
    const out = decoderLayer(
      { ...ctx, positions: positions as tf.Tensor1D, attentionMask, segmentIds, routerStats: packed?.sink },
      layer,
      h as tf.Tensor2D,
    );
    return packed ? packed.output(out) : out;
  };
  const y = checkpoint(run as (...xs: tf.Tensor[]) => tf.Tensor, [x, ...batchTensors], {
    generators: ctx.checkpointGenerators,
  });
  return stats ? stats.unpack(y, x.shape) : (y as tf.Tensor2D);
}
