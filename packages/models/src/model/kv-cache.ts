import { tf } from '@medgpt/core-tensor';
import type { ModelConfig } from '../config/model-config.js';
import { appendCacheRows } from './append-cache-rows.js';
import type { KvStore } from './kv-store.js';

interface LayerCache {
  k: tf.Tensor2D;
  v: tf.Tensor2D;
}

/**
 * Keys and values of every layer for a batch of left-padded sequences, up to `capacity` slots per
 * sequence. Layer tensors are [batch * length, numKeyValueHeads * headDim] (token-major, as the
 * attention op takes them); the key mask over all `capacity` slots is preallocated on the host.
 *
 * tfjs tensors are immutable, so a step appends its keys/values with one concat per tensor rather
 * than writing into a preallocated device buffer; this copies the cache once per step, like any
 * functional update would, and stays on fast paths of every backend (a strided slice on tfjs-cpu
 * costs about a microsecond per element).
 */
export class KvCache implements KvStore {
  readonly batch: number;
  readonly capacity: number;
  /** Filled slots per sequence. */
  length = 0;
  /** int32 [batch * capacity]: 1 for a real token, 0 for padding (and for slots not yet filled). */
  readonly mask: Int32Array;
  private readonly layers: (LayerCache | null)[];

  constructor(config: ModelConfig, batch: number, capacity: number) {
    if (!Number.isInteger(batch) || batch < 1 || !Number.isInteger(capacity) || capacity < 1) {
      throw new Error(`KvCache: batch (${batch}) and capacity (${capacity}) must be positive integers`);
    }
    this.batch = batch;
    this.capacity = capacity;
    this.mask = new Int32Array(batch * capacity);
    this.layers = new Array<LayerCache | null>(config.numHiddenLayers).fill(null);
  }

  /**
   * Appends new keys/values ([batch * T, width]) of `layer` after its `offset` cached slots and returns
   * the layer's whole cache. The new tensors are kept out of any enclosing tidy.
   */
  write(layer: number, k: tf.Tensor2D, v: tf.Tensor2D, offset: number): LayerCache {
    if (layer < 0 || layer >= this.layers.length)
      throw new Error(`KvCache: no layer ${layer}; the cache has ${this.layers.length}`);
    const old = this.layers[layer] ?? null;
    const filled = old === null ? 0 : old.k.shape[0] / this.batch;
    if (filled !== offset)
      throw new Error(`KvCache: layer ${layer} holds ${filled} slots, cannot write at slot ${offset}`);
    const next = {
      k: tf.keep(appendCacheRows(old?.k ?? null, k, this.batch)),
      v: tf.keep(appendCacheRows(old?.v ?? null, v, this.batch)),
    };
    if (old !== null) tf.dispose([old.k, old.v]);
    this.layers[layer] = next;
    return next;
  }

  /** Records the mask of `t` new slots (`rows[b]` has t entries) and advances `length` by t. */
  advance(rows: ArrayLike<ArrayLike<number>>): void {
    const t = rows[0]?.length ?? 0;
    if (rows.length !== this.batch || this.length + t > this.capacity) {
      throw new Error(
        `KvCache: cannot add ${t} slots for ${rows.length} rows (${this.length} of ${this.capacity} used, batch ${this.batch})`,
      );
    }
    for (let b = 0; b < this.batch; b++) {
      for (let j = 0; j < t; j++) this.mask[b * this.capacity + this.length + j] = rows[b]![j] ? 1 : 0;
    }
    this.length += t;
  }

  /** int32 [batch, length]: the mask of the filled slots. */
  maskTensor(): tf.Tensor2D {
    const filled = new Int32Array(this.batch * this.length);
    for (let b = 0; b < this.batch; b++) {
      filled.set(this.mask.subarray(b * this.capacity, b * this.capacity + this.length), b * this.length);
    }
    return tf.tensor2d(filled, [this.batch, this.length], 'int32');
  }

  dispose(): void {
    for (const l of this.layers) if (l !== null) tf.dispose([l.k, l.v]);
    this.layers.fill(null);
  }
}
