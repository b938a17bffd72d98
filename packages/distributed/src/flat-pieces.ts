// ZeRO-1's collectives go piece by piece (about DDP's bucket size each) rather than over one flat vector
// of every parameter, so they never hold more than a bucket of extra memory: a piece of the flat vector
// is cut out of the per-parameter tensors, and what comes back is put together per parameter again.
import { tf } from '@medgpt/core-tensor';

/**
 * Elements [start, start + length) of the flat concatenation of `tensors` (each flattened; a missing
 * one, or anything past the end, reads as zeros). `offsets[i]` is where tensor i starts.
 */
export function flatRange(
  tensors: readonly (tf.Tensor | null)[],
  offsets: readonly number[],
  sizes: readonly number[],
  start: number,
  length: number,
): tf.Tensor {
  return tf.tidy(() => {
    const parts: tf.Tensor[] = [];
    let at = start;
    const end = start + length;
    for (let i = 0; i < sizes.length && at < end; i++) {
      const lo = Math.max(at, offsets[i]!);
      const hi = Math.min(end, offsets[i]! + sizes[i]!);
      if (hi <= lo) continue;
      if (lo > at) parts.push(tf.zeros([lo - at]));
      const t = tensors[i];
      parts.push(t ? tf.slice(tf.reshape(t, [-1]), lo - offsets[i]!, hi - lo) : tf.zeros([hi - lo]));
      at = hi;
    }
    if (at < end) parts.push(tf.zeros([end - at]));
    return parts.length === 1 ? parts[0]!.clone() : tf.concat(parts);
  });
}

/**
 * Collects ranges of the flat vector as they arrive and hands each parameter's whole value to
 * `complete` once all of its elements are in (then frees its pieces). Only parameters `wanted` are kept.
 */
export class FlatAssembler {
  private readonly pending = new Map<number, { filled: number; parts: { at: number; t: tf.Tensor }[] }>();

  constructor(
    private readonly offsets: readonly number[],
    private readonly shapes: readonly (readonly number[])[],
    private readonly wanted: (param: number) => boolean,
    private readonly complete: (param: number, value: tf.Tensor) => void,
  ) {}

  /** `values` (1-D) are the flat vector's elements from `start` on. The caller keeps `values`. */
  add(start: number, values: tf.Tensor): void {
    const end = start + values.size;
    this.shapes.forEach((shape, i) => {
      const size = shape.reduce((n, d) => n * d, 1);
      const lo = Math.max(start, this.offsets[i]!);
      const hi = Math.min(end, this.offsets[i]! + size);
      if (hi <= lo || !this.wanted(i)) return;
      const entry = this.pending.get(i) ?? { filled: 0, parts: [] };
      entry.parts.push({ at: lo - this.offsets[i]!, t: tf.slice(values, lo - start, hi - lo) });
      entry.filled += hi - lo;
      this.pending.set(i, entry);
      if (entry.filled < size) return;
      this.pending.delete(i);
      const parts = entry.parts.sort((a, b) => a.at - b.at).map((p) => p.t);
      const value = tf.tidy(() => tf.reshape(parts.length === 1 ? parts[0]! : tf.concat(parts), [...shape]));
      tf.dispose(parts);
      this.complete(i, value);
    });
  }

  /** Frees pieces of parameters that never completed (after a failure). */
  dispose(): void {
    for (const { parts } of this.pending.values()) tf.dispose(parts.map((p) => p.t));
    this.pending.clear();
  }
}
