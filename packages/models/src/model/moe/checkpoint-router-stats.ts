import { tf } from '@medgpt/core-tensor';
import type { LayerRouterStats, RouterStatsSink } from './router-stats.js';

/**
 * Gradient checkpointing of a sparse layer whose routing feeds the load-balancing loss. checkpoint()
 * has one output and runs its block off the tape, so the layer's probability sum leaves the block packed
 * beside the hidden states: `pack` inside the block, `unpack` outside, where the sum is back on the tape
 * (its gradient reaches the router through the recomputation). The counts are taken from the forward
 * run only; the recomputation's are the same numbers.
 */
export class CheckpointRouterStats {
  private counted: Pick<LayerRouterStats, 'counts' | 'rows'> | undefined;

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
        this.counted ??= { counts: layer.counts, rows: layer.rows };
        return tf.concat([tf.reshape(hidden, [-1]), layer.probSum]);
      },
    };
  }

  /** The hidden states [tokens, hidden] of the packed output `y` (disposed); the sum goes to the stats. */
  unpack(y: tf.Tensor, shape: [number, number]): tf.Tensor2D {
    const counted = this.counted!;
    const out = tf.tidy(() => {
      const [flat, probSum] = tf.split(y, [shape[0] * shape[1], y.size - shape[0] * shape[1]]);
      this.stats.add({ probSum: probSum as tf.Tensor1D, ...counted });
      return tf.reshape(flat!, shape);
    });
    y.dispose();
    return out as tf.Tensor2D;
  }
}
