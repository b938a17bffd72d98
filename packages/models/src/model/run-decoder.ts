import { rmsNorm, tf } from '@medgpt/core-tensor';
import { EMBED_TOKENS, FINAL_NORM } from '../weights/parameter-specs.js';
import { decoderLayer } from './decoder-layer.js';
import type { ForwardContext } from './forward-context.js';

/**
 * Embeds `ids` (int32 [batch * T]) and runs every decoder layer and the final norm: the hidden states
 * the LM head reads, float32 [batch * T, hidden]. Each layer runs in its own tidy, so only the
 * residual stream (and, when taping, what the gradients save) outlives it.
 */
export function runDecoder(ctx: ForwardContext, ids: tf.Tensor1D): tf.Tensor2D {
  let x = tf.gather(ctx.weight(EMBED_TOKENS), ids) as tf.Tensor2D;
  for (let layer = 0; layer < ctx.config.numHiddenLayers; layer++) {
    const next = tf.tidy(() => decoderLayer(ctx, layer, x));
    x.dispose();
    x = next;
  }
  const out = rmsNorm(x, ctx.weight(FINAL_NORM) as tf.Tensor1D, ctx.config.rmsNormEps);
  x.dispose();
  return out;
}
