import { tf, writeCacheRows } from '@medgpt/core-tensor';
import type { KvStore, ModelConfig } from '@medgpt/models';

/** One row of a step: the sequence's slot, the keys it already holds, and its real new tokens. */
export interface SlotRow {
  readonly slot: number;
  /** Keys already cached for this sequence (its next token's position). */
  readonly start: number;
  /** Real new tokens this step (<= the step's T; the rest of the row is padding). */
  readonly length: number;
}

/** What `CausalLM.stepWithStore` needs for one step over some slots; dispose after the step. */
export interface SlotStep {
  readonly store: KvStore;
  readonly keyMask: tf.Tensor2D;
  readonly queryOffset: number;
  dispose(): void;
}

/**
 * The engine's KV cache: per layer one preallocated keys and one values tensor of
 * [(slots + 1) * capacity, numKeyValueHeads * headDim], sequence slot s owning rows s * capacity ...
 * A step writes its new keys/values into the slots' rows in place (core-tensor's writeCacheRows: no
 * copy of the cache, no per-token concat) and hands the attention a right-aligned view of each row's
 * keys: row b's newest key is the view's last column, so the causal offset and any sliding window are
 * the same for every row however long each sequence is; columns before a sequence's start are masked.
 * The view is a gather (a copy of the attended keys per layer and step); an attention kernel reading
 * the slots directly is the next step for speed.
 */
export class SlotKvCache {
  readonly width: number;
  private readonly keys: tf.Tensor2D[];
  private readonly values: tf.Tensor2D[];
  private readonly free: number[];

  constructor(
    config: ModelConfig,
    readonly slots: number,
    readonly capacity: number,
  ) {
    if (!(Number.isInteger(slots) && slots >= 1 && Number.isInteger(capacity) && capacity >= 2))
      throw new RangeError(
        `SlotKvCache: slots (${slots}) >= 1 and capacity (${capacity}) >= 2 must be integers`,
      );
    this.width = config.numKeyValueHeads * config.headDim;
    // One slot more than asked: the rows padding rows of a captured step write to (never acquired).
    const make = () => tf.zeros([(slots + 1) * capacity, this.width]) as tf.Tensor2D;
    this.keys = Array.from({ length: config.numHiddenLayers }, make);
    this.values = Array.from({ length: config.numHiddenLayers }, make);
    this.free = Array.from({ length: slots }, (_, i) => slots - 1 - i);
  }

  get freeSlots(): number {
    return this.free.length;
  }

  /** A free slot (lowest first), or null when every slot is taken. */
  acquire(): number | null {
    return this.free.pop() ?? null;
  }

  /** Gives `slot` back; its rows are simply overwritten by the next sequence. */
  release(slot: number): void {
    if (this.free.includes(slot) || slot < 0 || slot >= this.slots)
      throw new Error(`SlotKvCache: slot ${slot} is not in use`);
    this.free.push(slot);
    this.free.sort((a, b) => b - a);
  }

  /** The store, key mask and query offset of one step of `t` tokens per row over `rows`. */
  step(rows: readonly SlotRow[], t: number): SlotStep {
    const { write, view, mask, span } = this.stepIndices(rows, t);
    const writeIdx = tf.tensor1d(write, 'int32');
    const viewIdx = tf.tensor1d(view, 'int32');
    const keyMask = tf.tensor2d(mask, [rows.length, span], 'int32');
    return {
      store: this.store(writeIdx, viewIdx),
      keyMask,
      queryOffset: span - t,
      dispose: () => tf.dispose([writeIdx, viewIdx, keyMask]),
    };
  }

  /**
   * The host side of a step of `t` tokens per row: the cache rows each new token is written to
   * (`write`, [batch * t]), the rows each view column reads (`view`, [batch * span]) and the key mask
   * ([batch, span]). `span` defaults to the longest row's keys; a larger one (a captured step's fixed
   * width) adds masked columns on the left. `padTo` adds rows that write into the spare slot (never
   * given to a sequence) and attend only their last column, so their (unused) outputs stay finite.
   */
  stepIndices(
    rows: readonly SlotRow[],
    t: number,
    { span: fixedSpan, padTo = rows.length }: { span?: number; padTo?: number } = {},
  ): { write: Int32Array; view: Int32Array; mask: Int32Array; span: number } {
    const cap = this.capacity;
    for (const r of rows) {
      if (r.start + t > cap || r.length > t || r.length < 1)
        throw new Error(
          `SlotKvCache: slot ${r.slot} cannot take ${t} tokens after ${r.start} (capacity ${cap})`,
        );
    }
    const need = Math.max(...rows.map((r) => r.start + t));
    const span = fixedSpan ?? need;
    if (span < need || padTo < rows.length)
      throw new RangeError(`SlotKvCache: span ${span} < ${need} keys, or ${padTo} rows < ${rows.length}`);
    const spare = this.slots * cap;
    const write = new Int32Array(padTo * t).fill(spare);
    const view = new Int32Array(padTo * span).fill(spare);
    const mask = new Int32Array(padTo * span);
    rows.forEach((r, b) => {
      for (let j = 0; j < t; j++) write[b * t + j] = r.slot * cap + r.start + j;
      const shift = r.start + t - span; // the view's column j is the slot's row j + shift
      for (let j = 0; j < span; j++) {
        const row = j + shift;
        view[b * span + j] = r.slot * cap + Math.max(0, row);
        mask[b * span + j] = row >= 0 && row < r.start + r.length ? 1 : 0;
      }
    });
    for (let b = rows.length; b < padTo; b++) mask[b * span + span - 1] = 1;
    return { write, view, mask, span };
  }

  /** A KvStore that writes each layer's new keys/values at `writeIdx` and reads the view `viewIdx`. */
  store(writeIdx: tf.Tensor1D, viewIdx: tf.Tensor1D): KvStore {
    return {
      write: (layer, k, v) => {
        this.keys[layer] = this.replace(this.keys[layer]!, k, writeIdx);
        this.values[layer] = this.replace(this.values[layer]!, v, writeIdx);
        return {
          k: tf.gather(this.keys[layer]!, viewIdx) as tf.Tensor2D,
          v: tf.gather(this.values[layer]!, viewIdx) as tf.Tensor2D,
        };
      },
    };
  }

  dispose(): void {
    tf.dispose([...this.keys, ...this.values]);
    this.keys.length = 0;
    this.values.length = 0;
  }

  // The written cache outlives the layer's tidy; the old handle (same buffer on cpu/wasm) goes.
  private replace(cache: tf.Tensor2D, rows: tf.Tensor2D, at: tf.Tensor1D): tf.Tensor2D {
    const next = tf.keep(writeCacheRows(cache, rows, at));
    if (next !== cache) cache.dispose();
    return next;
  }
}
