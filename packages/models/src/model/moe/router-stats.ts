import { tf } from '@medgpt/core-tensor';
import type { Routing } from './route-tokens.js';

/** One sparse layer's share of the load-balancing loss. */
export interface LayerRouterStats {
  /** Σ over counted rows of the routing probabilities, [experts]; on the tape (the router's gradient). */
  probSum: tf.Tensor1D;
  /** Chosen-expert counts over counted rows (host, [experts]); torch counts them without a gradient. */
  counts: Float64Array;
  /** Rows counted (real tokens). */
  rows: number;
}

/** Where the sparse layers of one forward report their routing (see RouterStats). */
export interface RouterStatsSink {
  /** 1 per row (token of the flattened batch) that counts, 0 for padding; null: every row counts. */
  readonly rowMask: Float32Array | null;
  add(stats: LayerRouterStats): void;
}

/** A sparse layer's statistics from its routing, with padding rows left out by `rowMask`. */
export function layerRouterStats(
  routing: Routing,
  k: number,
  rowMask: Float32Array | null,
): LayerRouterStats {
  const [tokens, numExperts] = routing.probs.shape;
  const counts = new Float64Array(numExperts);
  routing.experts.forEach((e, s) => (counts[e]! += rowMask === null ? 1 : rowMask[Math.floor(s / k)]!));
  if (rowMask === null) return { probSum: tf.sum(routing.probs, 0) as tf.Tensor1D, counts, rows: tokens };
  const mask = tf.tensor2d(rowMask, [1, tokens]);
  const probSum = tf.reshape(tf.matMul(mask, routing.probs), [numExperts]) as tf.Tensor1D;
  return { probSum, counts, rows: rowMask.reduce((a, b) => a + b, 0) };
}

/**
 * transformers' `load_balancing_loss_func` gathered over the sparse layers of one forward: per expert,
 * the share of top-k assignments and the mean routing probability, each summed over layers and divided
 * by the rows of all layers, then `numExperts * Σ_e share_e * prob_e`. Padding rows (mask 0) count in
 * neither. The running probability sum is kept out of tidy scopes (dispose() frees it).
 */
export class RouterStats implements RouterStatsSink {
  private probSum: tf.Tensor1D | null = null;
  private readonly counts: Float64Array;
  private rows = 0;

  constructor(
    readonly numExperts: number,
    readonly rowMask: Float32Array | null,
  ) {
    this.counts = new Float64Array(numExperts);
  }

  add(stats: LayerRouterStats): void {
    const next = this.probSum === null ? stats.probSum : tf.add(this.probSum, stats.probSum);
    tf.keep(next);
    if (this.probSum !== null && this.probSum !== stats.probSum) this.probSum.dispose();
    this.probSum = next as tf.Tensor1D;
    stats.counts.forEach((c, e) => (this.counts[e]! += c));
    this.rows += stats.rows;
  }

  /** The loss over the layers added so far (a scalar on the tape); 0 when no sparse layer ran. */
  loss(): tf.Scalar {
    if (this.probSum === null) return tf.scalar(0);
    const shares = tf.tensor1d(Float32Array.from(this.counts, (c) => c / this.rows));
    return tf.mul(tf.sum(tf.mul(shares, this.probSum)), this.numExperts / this.rows) as tf.Scalar;
  }

  dispose(): void {
    this.probSum?.dispose();
    this.probSum = null;
  }
}
