import { tf } from '../tf.js';

/** How result() scales the summed gradients. */
export type AccumulationNormalization = 'mean' | 'tokens' | 'sum';

/**
 * Sums the gradients of micro-batches (gradient_accumulation_steps) into buffers that survive
 * tidy scopes. add() neither takes nor disposes the caller's tensors; result() hands out new
 * tensors owned by the caller; reset() frees the buffers for the next optimizer step.
 */
export class GradientAccumulator {
  private readonly sums = new Map<string, tf.Tensor>();
  private micro = 0;
  private tokenCount = 0;

  /** Micro-batches added since the last reset. */
  get microSteps(): number {
    return this.micro;
  }

  /** Tokens reported with add() since the last reset. */
  get tokens(): number {
    return this.tokenCount;
  }

  /** Names with a buffer. */
  get names(): string[] {
    return [...this.sums.keys()];
  }

  /**
   * Adds one micro-batch's gradients (keyed by variable name). `tokens`: the micro-batch's
   * loss-bearing tokens, for result('tokens').
   */
  add(grads: tf.NamedTensorMap, tokens = 0): void {
    if (!(Number.isSafeInteger(tokens) && tokens >= 0)) {
      throw new RangeError(`GradientAccumulator.add: tokens is ${tokens}; expected an integer >= 0`);
    }
    for (const [name, g] of Object.entries(grads)) {
      const sum = this.sums.get(name);
      if (sum && !tf.util.arraysEqual(sum.shape, g.shape)) {
        throw new Error(
          `GradientAccumulator.add: gradient '${name}' has shape [${g.shape}]; earlier ones had [${sum.shape}]`,
        );
      }
    }
    for (const [name, g] of Object.entries(grads)) {
      const sum = this.sums.get(name);
      // The first one is an alias (a clone shares the data), so it costs no copy.
      this.sums.set(name, tf.keep(sum ? tf.add(sum, g) : g.clone()));
      sum?.dispose();
    }
    this.micro += 1;
    this.tokenCount += tokens;
  }

  /**
   * The accumulated gradients: divided by the micro-batch count ('mean', what dividing each
   * micro-batch loss by gradient_accumulation_steps gives), by the token count ('tokens', a
   * token-mean over the whole step), or as is ('sum'). New tensors; the caller disposes them.
   */
  result(normalization: AccumulationNormalization = 'mean'): tf.NamedTensorMap {
    if (this.micro === 0)
      throw new Error('GradientAccumulator.result: nothing was added since the last reset');
    let divisor: number;
    if (normalization === 'mean') divisor = this.micro;
    else if (normalization === 'sum') divisor = 1;
    else if (normalization === 'tokens') {
      if (this.tokenCount === 0) {
        throw new Error(
          "GradientAccumulator.result: 'tokens' needs the token counts; pass them to add(grads, tokens)",
        );
      }
      divisor = this.tokenCount;
    } else {
      throw new RangeError(
        `GradientAccumulator.result: normalization '${String(normalization)}' is unknown; expected mean, tokens or sum`,
      );
    }
    const out: tf.NamedTensorMap = {};
    if (divisor === 1) {
      for (const [name, sum] of this.sums) out[name] = sum.clone();
      return out;
    }
    const scale = tf.scalar(1 / divisor);
    for (const [name, sum] of this.sums) out[name] = tf.mul(sum, scale);
    scale.dispose();
    return out;
  }

  /** Frees the buffers and zeroes the counts. */
  reset(): void {
    tf.dispose([...this.sums.values()]);
    this.sums.clear();
    this.micro = 0;
    this.tokenCount = 0;
  }

  dispose(): void {
    this.reset();
  }
}
