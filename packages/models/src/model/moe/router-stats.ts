import { tf } from '@medgpt/core-tensor';
import type { Routing } from './route-tokens.js';

/** One sparse layer's share of the load-balancing loss. */
export interface LayerRouterStats {
  /** Σ over counted rows of the routing probabilities, [experts]; on the tape (the router's gradient). */
  probSum: tf.Tensor1D;
  /** Chosen-expert counts over counted rows, float32 [experts]; torch counts them without a gradient. */
  counts: tf.Tensor1D;
}

/** Where the sparse layers of one forward report their routing (see RouterStats). */
export interface RouterStatsSink {
  /** float32 [rows of the flattened batch]: 1 per row (token) that counts, 0 for padding; null: all count. */
  readonly rowMask: tf.Tensor1D | null;
  add(stats: LayerRouterStats): void;
}

/**
 * A sparse layer's statistics from its routing, with padding rows left out by `rowMask`; all on the
 * device (the counts come from the routing's group sizes, or a segment sum of the masked slots).
 */
export function layerRouterStats(routing: Routing, k: number, rowMask: tf.Tensor1D | null): LayerRouterStats {
  const [tokens, numExperts] = routing.probs.shape;
  if (rowMask === null)
    return {
      probSum: tf.sum(routing.probs, 0) as tf.Tensor1D,
      counts: tf.cast(routing.groupSizes, 'float32'),
    };
  const probSum = tf.reshape(tf.matMul(tf.reshape(rowMask, [1, tokens]), routing.probs), [numExperts]);
  const slotMask = tf.reshape(tf.tile(tf.reshape(rowMask, [tokens, 1]), [1, k]), [-1]);
  const counts = tf.unsortedSegmentSum(slotMask, routing.experts, numExperts);
  return { probSum: probSum as tf.Tensor1D, counts: counts as tf.Tensor1D };
}

/**
 * transformers' `load_balancing_loss_func` gathered over the sparse layers of one forward: per expert,
 * the share of top-k assignments and the mean routing probability, each summed over layers and divided
 * by the rows of all layers, then `numExperts * Σ_e share_e * prob_e`. Padding rows (mask 0) count in
 * neither. The running sums and the mask are kept out of tidy scopes (dispose() frees them).
 */
export class RouterStats implements RouterStatsSink {
  private probSum: tf.Tensor1D | null = null;
  private counts: tf.Tensor1D | null = null;
  private layers = 0;

  /** `rowMask` (owned from here on: dispose() frees it) as RouterStatsSink's; `tokens`: its length. */
  constructor(
    readonly numExperts: number,
    readonly tokens: number,
    readonly rowMask: tf.Tensor1D | null,
  ) {}

  add(stats: LayerRouterStats): void {
    this.probSum = this.accumulate(this.probSum, stats.probSum);
    this.counts = this.accumulate(this.counts, stats.counts);
    this.layers += 1;
  }

  /** The loss over the layers added so far (a scalar on the tape); 0 when no sparse layer ran. */
  loss(): tf.Scalar {
    if (this.probSum === null || this.counts === null) return tf.scalar(0);
    const perLayer = this.rowMask === null ? tf.scalar(this.tokens) : tf.sum(this.rowMask);
    const rows = tf.mul(perLayer, this.layers);
    // numExperts * Σ_e (counts_e / rows) (probSum_e / rows)
    const dot = tf.sum(tf.mul(tf.div(this.counts, rows), this.probSum));
    return tf.mul(tf.div(dot, rows), this.numExperts) as tf.Scalar;
  }

  dispose(): void {
    tf.dispose([this.probSum, this.counts, this.rowMask].filter((t): t is tf.Tensor1D => t !== null));
    this.probSum = null;
    this.counts = null;
  }

  private accumulate(sum: tf.Tensor1D | null, next: tf.Tensor1D): tf.Tensor1D {
    const out = sum === null ? next : (tf.add(sum, next) as tf.Tensor1D);
    tf.keep(out);
    if (sum !== null && sum !== next) sum.dispose();
    return out;
  }
}
