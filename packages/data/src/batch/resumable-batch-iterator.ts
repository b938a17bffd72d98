import { numpyPermutation } from '../random/numpy-permutation.js';
import { Pcg64, type Pcg64State } from '../random/pcg64.js';
import { lengthGroupedOrder } from './length-grouped-order.js';

/** Where an iterator stands: save it in a checkpoint, restore it to get the same next batches. */
export interface BatchIteratorState {
  readonly epoch: number;
  /** Batches already taken in this epoch. */
  readonly batchIndex: number;
  /** The RNG as it was when this epoch's order was drawn. */
  readonly rng: Pcg64State;
  /** Checked on restore: the state belongs to a dataset of this size and this batch size. */
  readonly datasetSize: number;
  readonly batchSize: number;
}

export interface BatchIteratorOptions {
  readonly batchSize: number;
  /** Seed of the order (the trainer's `--seed`). */
  readonly seed: number;
  /** `random` (default), `length-grouped` (needs `lengths`), or `sequential`. */
  readonly order?: 'random' | 'length-grouped' | 'sequential';
  /** Per-item lengths for `length-grouped`. */
  readonly lengths?: readonly number[];
  /** Drop the last, short batch of each epoch (default false). */
  readonly dropLast?: boolean;
}

/** One batch: the items, their dataset indices, and where in the run it falls. */
export interface IndexedBatch<T> {
  readonly items: T[];
  readonly indices: number[];
  readonly epoch: number;
  /** 0-based batch number within the epoch. */
  readonly batchIndex: number;
}

/**
 * An endless, seeded, resumable batch stream over a dataset: each epoch draws a new order from a
 * PCG64 generator; `state()` captures (epoch, batch index, RNG state) and `restore` continues with
 * exactly the batches the original would have produced.
 */
export class ResumableBatchIterator<T> {
  private readonly rng: Pcg64;
  private epoch = 0;
  private batchIndex = 0;
  private epochStart: Pcg64State;
  private order: number[] = [];

  constructor(
    private readonly items: readonly T[],
    private readonly options: BatchIteratorOptions,
    state?: BatchIteratorState,
  ) {
    const { batchSize } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
    if (items.length === 0) throw new RangeError('ResumableBatchIterator: the dataset is empty');
    if (options.order === 'length-grouped' && options.lengths?.length !== items.length) {
      throw new RangeError(
        `length-grouped order needs one length per item (${items.length}), got ${options.lengths?.length ?? 0}`,
      );
    }
    if (options.dropLast && items.length < batchSize) {
      throw new RangeError(`dropLast with ${items.length} items and batch size ${batchSize} yields no batch`);
    }
    this.rng = new Pcg64(options.seed);
    if (state) {
      this.checkState(state);
      this.rng.setState(state.rng);
      this.epoch = state.epoch;
    }
    this.epochStart = this.rng.getState();
    this.order = this.drawOrder();
    this.batchIndex = state?.batchIndex ?? 0;
  }

  /** Batches per epoch. */
  get batchesPerEpoch(): number {
    const n = this.items.length / this.options.batchSize;
    return this.options.dropLast ? Math.floor(n) : Math.ceil(n);
  }

  next(): IndexedBatch<T> {
    if (this.batchIndex >= this.batchesPerEpoch) {
      this.epoch += 1;
      this.batchIndex = 0;
      this.epochStart = this.rng.getState();
      this.order = this.drawOrder();
    }
    const { batchSize } = this.options;
    const indices = this.order.slice(this.batchIndex * batchSize, (this.batchIndex + 1) * batchSize);
    const batch = {
      items: indices.map((i) => this.items[i]!),
      indices,
      epoch: this.epoch,
      batchIndex: this.batchIndex,
    };
    this.batchIndex += 1;
    return batch;
  }

  state(): BatchIteratorState {
    return {
      epoch: this.epoch,
      batchIndex: this.batchIndex,
      rng: this.epochStart,
      datasetSize: this.items.length,
      batchSize: this.options.batchSize,
    };
  }

  private drawOrder(): number[] {
    const n = this.items.length;
    switch (this.options.order ?? 'random') {
      case 'sequential':
        return Array.from({ length: n }, (_, i) => i);
      case 'length-grouped':
        return lengthGroupedOrder(this.options.lengths!, this.options.batchSize, this.rng);
      case 'random':
        return numpyPermutation(n, this.rng);
    }
  }

  private checkState(state: BatchIteratorState): void {
    if (state.datasetSize !== this.items.length || state.batchSize !== this.options.batchSize) {
      throw new Error(
        `cannot resume: the checkpoint's iterator had ${state.datasetSize} items in batches of ${state.batchSize}, ` +
          `this one has ${this.items.length} in batches of ${this.options.batchSize}`,
      );
    }
  }
}
