import { noGrad, tf } from '@medgpt/core-tensor';

/** One call's value of a metric: a scalar (one item), or a sum over `count` items. */
export type MetricValue = tf.Tensor | { sum: tf.Tensor; count: number };

/** Whose metrics: training steps' or evaluation's (TRL keeps the two apart). */
export type MetricsMode = 'train' | 'eval';

interface Running {
  /** Per name: the sum of the recorded values, and how many calls recorded one. */
  sum: tf.Tensor1D;
  count: tf.Tensor1D;
}

/**
 * A task's own metrics (DPO's rewards/margins, KTO's kl ...) summed on the device as loss calls record
 * them, and read once when the loop logs: TRL's `_metrics[mode][name].append(...)` then the mean at
 * `log()`, without a host sync per micro-batch. The names are fixed up front; a call may leave some out
 * (a KTO batch without desirable rows has no chosen reward) and each name is averaged over the calls
 * that gave it. Memory stays constant however long the window.
 */
export class TaskMetrics {
  private readonly running = new Map<MetricsMode, Running>();

  constructor(readonly names: readonly string[]) {}

  /**
   * Adds one call's values (scalars, usually built from the loss's tensors; they are read, not kept).
   * A value counts once; `{ sum, count }` adds a sum over `count` items instead (KTO's per-row sums),
   * so the name's mean is over items rather than calls. Unknown names are an error: a typo would
   * otherwise vanish from the logs.
   */
  record(mode: MetricsMode, values: Readonly<Record<string, MetricValue | undefined>>): void {
    for (const name of Object.keys(values)) {
      if (!this.names.includes(name))
        throw new Error(`TaskMetrics: '${name}' is not one of ${this.names.join(', ')}`);
    }
    const given = this.names.map((n) => {
      const v = values[n];
      if (v === undefined || v instanceof tf.Tensor) return { sum: v, count: v === undefined ? 0 : 1 };
      return v.count > 0 ? v : { sum: undefined, count: 0 };
    });
    // Off the tape: metrics never take part in a backward, and recording them keeps nothing alive there.
    const next = noGrad(() =>
      tf.tidy(() => {
        const zero = tf.scalar(0);
        const vector = tf.stack(
          given.map(({ sum }) => (sum === undefined ? zero : tf.cast(tf.reshape(sum, []), 'float32'))),
        );
        const present = tf.tensor1d(given.map(({ count }) => count));
        const old = this.running.get(mode);
        const sum = tf.add(old?.sum ?? tf.zerosLike(present), vector) as tf.Tensor1D;
        const count = tf.add(old?.count ?? tf.zerosLike(present), present) as tf.Tensor1D;
        return { sum, count };
      }),
    );
    this.dispose(mode);
    this.running.set(mode, { sum: tf.keep(next.sum), count: tf.keep(next.count) });
  }

  /** Each name's mean over what was recorded since the last take (names never recorded are left out); resets. */
  take(mode: MetricsMode): Record<string, number> {
    const r = this.running.get(mode);
    if (!r) return {};
    const both = tf.concat([r.sum, r.count]);
    const data = both.dataSync();
    both.dispose();
    this.dispose(mode);
    const n = this.names.length;
    const out: Record<string, number> = {};
    this.names.forEach((name, i) => {
      if (data[n + i]! > 0) out[name] = data[i]! / data[n + i]!;
    });
    return out;
  }

  /** Frees the running sums (of one mode, or all). */
  dispose(mode?: MetricsMode): void {
    for (const m of mode ? [mode] : ([...this.running.keys()] as MetricsMode[])) {
      const r = this.running.get(m);
      if (r) tf.dispose([r.sum, r.count]);
      this.running.delete(m);
    }
  }
}
