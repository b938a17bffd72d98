/** Arena allocations start on this boundary (cuMemAllocAsync's own alignment is at least 256). */
export const ARENA_ALIGN = 256;

/**
 * A block of device memory a captured step allocates from. A CUDA graph bakes the addresses its kernels
 * use, so everything a step allocates while it is recorded must stay where it is for every replay: the
 * step's tensors come from this block (first fit, freed space merged back), and the block lives as long
 * as the graph. Reusing space freed earlier in the same step is safe because the graph replays the work
 * in the order it was recorded. Only bookkeeping happens here; the block itself comes from the pool.
 */
export class StepArena {
  /** Free ranges [start, end), sorted by start, never adjacent. */
  private readonly holes: [number, number][];
  private readonly used = new Map<number, number>();
  private inUse = 0;
  private high = 0;

  constructor(
    readonly base: number,
    readonly bytes: number,
  ) {
    this.holes = [[base, base + bytes]];
  }

  /** Whether `pointer` is an address this arena handed out (or could: it lies inside the block). */
  owns(pointer: number): boolean {
    return pointer >= this.base && pointer < this.base + this.bytes;
  }

  /** The most bytes in use at once so far. */
  get peakBytes(): number {
    return this.high;
  }

  /** An aligned range of `bytes` bytes, or null when no hole is large enough. */
  alloc(bytes: number): number | null {
    const size = Math.ceil(Math.max(1, bytes) / ARENA_ALIGN) * ARENA_ALIGN;
    for (let i = 0; i < this.holes.length; i++) {
      const [start, end] = this.holes[i]!;
      if (end - start < size) continue;
      if (end - start === size) this.holes.splice(i, 1);
      else this.holes[i] = [start + size, end];
      this.used.set(start, size);
      this.inUse += size;
      this.high = Math.max(this.high, this.inUse);
      return start;
    }
    return null;
  }

  /** Gives a range back; an address the arena did not hand out is an error. */
  free(pointer: number): void {
    const size = this.used.get(pointer);
    if (size === undefined) throw new Error(`StepArena: ${pointer} was not allocated here (or freed twice)`);
    this.used.delete(pointer);
    this.inUse -= size;
    let at = this.holes.findIndex(([start]) => start > pointer);
    if (at < 0) at = this.holes.length;
    this.holes.splice(at, 0, [pointer, pointer + size]);
    // Merge with the neighbours so large requests still fit later.
    if (at + 1 < this.holes.length && this.holes[at]![1] === this.holes[at + 1]![0]) {
      this.holes[at]![1] = this.holes[at + 1]![1];
      this.holes.splice(at + 1, 1);
    }
    if (at > 0 && this.holes[at - 1]![1] === this.holes[at]![0]) {
      this.holes[at - 1]![1] = this.holes[at]![1];
      this.holes.splice(at, 1);
    }
  }

  /** Bytes currently handed out. */
  get inUseBytes(): number {
    return this.inUse;
  }
}
