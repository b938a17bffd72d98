import { captureStep, tf, type CapturedStep, type StepRun } from '@medgpt/core-tensor';
import type { CausalLM } from '@medgpt/models';
import type { SlotKvCache, SlotRow } from './slot-kv-cache.js';

/** Attended keys are padded to a multiple of this, so a sequence's decode steps share few graphs. */
export const SPAN_BLOCK = 128;

/** The batch a group of `n` sequences is padded to: the next power of two, at most `slots`. */
export function batchBucket(n: number, slots: number): number {
  let b = 1;
  while (b < n) b *= 2;
  return Math.min(b, slots);
}

/** The key span a step whose longest row has `keys` keys is padded to, at most `capacity`. */
export function spanBucket(keys: number, capacity: number): number {
  return Math.min(Math.ceil(keys / SPAN_BLOCK) * SPAN_BLOCK, capacity);
}

/**
 * Greedy decode steps of fixed shapes, recorded once and replayed (core-tensor's captureStep: a CUDA
 * graph on cuda), so a step costs one launch instead of one per op: the batch is padded to a power of
 * two (`batchBucket`) and the attended keys to a multiple of SPAN_BLOCK (`spanBucket`); every value
 * that changes between steps (token ids, positions, cache rows to write and read, the key mask) is an
 * input, and only the argmax of each row comes back. One recorded step per adapter, batch and span.
 */
export class CapturedDecode {
  private readonly steps = new Map<string, CapturedStep>();

  constructor(
    private readonly model: CausalLM,
    private readonly cache: SlotKvCache,
    private readonly withAdapter: <T>(adapter: string | null, fn: () => T) => T,
  ) {}

  /** The next token (argmax of the logits) of each row, whose last token is `lastTokens[b]`. */
  async next(
    adapter: string | null,
    rows: readonly SlotRow[],
    lastTokens: readonly number[],
  ): Promise<number[]> {
    return this.launch(adapter, rows, lastTokens).tokens();
  }

  /**
   * Queues the step for `rows` and returns at once. The rows' last tokens are host values, or the
   * tokens of an earlier launch for the same rows (`previous`: fed on the device, so this step can be
   * queued before that one is read, and the host prepares step n + 1 while the GPU runs step n).
   */
  launch(
    adapter: string | null,
    rows: readonly SlotRow[],
    lastTokens: readonly number[] | DecodeRun,
  ): DecodeRun {
    const n = rows.length;
    const batch = batchBucket(n, this.cache.slots);
    const span = spanBucket(Math.max(...rows.map((r) => r.start + 1)), this.cache.capacity);
    const { write, view, mask } = this.cache.stepIndices(rows, 1, { span, padTo: batch });
    const positions = new Int32Array(batch);
    rows.forEach((r, b) => (positions[b] = r.start));
    let ids: Int32Array | ReturnType<StepRun['output']>;
    if (lastTokens instanceof DecodeRun) {
      if (lastTokens.rows !== n)
        throw new Error(`captured decode: ${n} rows cannot follow a step of ${lastTokens.rows}`);
      ids = lastTokens.run.output(0);
    } else {
      ids = new Int32Array(batch);
      lastTokens.forEach((t, b) => ((ids as Int32Array)[b] = t));
    }
    return new DecodeRun(this.step(adapter, batch, span).launch([ids, positions, write, view, mask]), n);
  }

  dispose(): void {
    for (const step of this.steps.values()) step.dispose();
    this.steps.clear();
  }

  private step(adapter: string | null, batch: number, span: number): CapturedStep {
    const key = `${adapter ?? ''}\u0000${batch}\u0000${span}`;
    let step = this.steps.get(key);
    if (step === undefined) {
      const int = (shape: number[]) => ({ shape, dtype: 'int32' as const });
      step = captureStep(
        [int([batch]), int([batch]), int([batch]), int([batch * span]), int([batch, span])],
        ([ids, positions, write, view, mask]) =>
          this.withAdapter(adapter, () => {
            const logits = this.model.stepWithStoreTensors(
              this.cache.store(write as tf.Tensor1D, view as tf.Tensor1D),
              {
                inputIds: ids as tf.Tensor1D,
                positions: positions as tf.Tensor1D,
                keyMask: mask as tf.Tensor2D,
                queryOffset: span - 1,
                tokensPerRow: 1,
                lastRows: tf.range(0, batch, 1, 'int32') as tf.Tensor1D,
              },
            );
            return [tf.argMax(logits, 1)];
          }),
      );
      this.steps.set(key, step);
    }
    return step;
  }
}

/** One queued decode step: its rows' next tokens, read once. */
export class DecodeRun {
  constructor(
    readonly run: StepRun,
    /** Real rows (the step's batch may be padded beyond them). */
    readonly rows: number,
  ) {}

  async tokens(): Promise<number[]> {
    const [tokens] = await this.run.read();
    return Array.from((tokens as Int32Array).subarray(0, this.rows));
  }

  discard(): void {
    this.run.discard();
  }
}
