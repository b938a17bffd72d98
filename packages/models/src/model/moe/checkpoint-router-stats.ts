import { tf } from '@medgpt/core-tensor';
import type { LayerRouterStats, RouterStatsSink } from './router-stats.js';

/**
 * Gradient checkpointing of a sparse layer whose routing feeds the load-balancing loss. checkpoint()
 * has one output and runs its block off the tape, so the layer's probability sum and expert counts
 * leave the block packed beside the hidden states: `pack` inside the block, `unpack` outside, where
 * the sum is back on the tape (its gradient reaches the router through the recomputation).
 */
export class CheckpointRouterStats {
  private experts = 0;

  constructor(private readonly stats: RouterStatsSink) {}

  /** A sink for one run of the block, and the packing of its output. */
  pack(): { sink: RouterStatsSink; output(hidden: tf.Tensor2D): tf.Tensor } {
    let layer: LayerRouterStats | undefined;
    const sink: RouterStatsSink = { rowMask: this.stats.rowMask, add: (s) => void (layer = s) };
    return {
      sink,
      output: (hidden) => {
        if (layer === undefined)
          throw new Error('CheckpointRouterStats: the sparse layer reported no routing');
        this.experts = layer.probSum.size;
        return tf.concat([tf.reshape(hidden, [-1]), layer.probSum, layer.counts]);
      },
    };
  }

  /** The hidden states [tokens, hidden] of the packed output `y` (disposed); the stats go to the sink. */
  unpack(y: tf.Tensor, shape: [number, number]): tf.Tensor2D {
    const size = shape[0] * shape[1];
    const out = tf.tidy(() => {
      const [flat, probSum, counts] = tf.split(y, [size, this.experts, this.experts]);
      this.stats.add({ probSum: probSum as tf.Tensor1D, counts: counts as tf.Tensor1D });
      return tf.reshape(flat!, shape);
    });
    y.dispose();
    return out as tf.Tensor2D;
  }
}
