import { seedSequenceState64 } from './seed-sequence.js';

const MASK64 = (1n << 64n) - 1n;
const MASK128 = (1n << 128n) - 1n;
const MULTIPLIER = 0x2360ed051fc65da44385df649fccf645n;

/** A PCG64 state that can be saved in a checkpoint (decimal strings: JSON has no bigint). */
export interface Pcg64State {
  readonly state: string;
  readonly inc: string;
  readonly hasUint32: boolean;
  readonly uinteger: number;
}

/**
 * NumPy's default bit generator (PCG64, XSL-RR 128/64), seeded exactly like `np.random.default_rng(seed)`,
 * so shuffles and splits reproduce those of Python `datasets` (which draws from it) index for index.
 */
export class Pcg64 {
  private state = 0n;
  private inc = 0n;
  private hasUint32 = false;
  private uinteger = 0;

  constructor(seed: number | bigint) {
    const [s0, s1, i0, i1] = seedSequenceState64(seed, 4) as [bigint, bigint, bigint, bigint];
    const initState = (s0 << 64n) | s1;
    const initSeq = (i0 << 64n) | i1;
    this.inc = ((initSeq << 1n) | 1n) & MASK128;
    this.step();
    this.state = (this.state + initState) & MASK128;
    this.step();
  }

  static fromState(saved: Pcg64State): Pcg64 {
    const rng = new Pcg64(0);
    rng.setState(saved);
    return rng;
  }

  getState(): Pcg64State {
    return {
      state: this.state.toString(),
      inc: this.inc.toString(),
      hasUint32: this.hasUint32,
      uinteger: this.uinteger,
    };
  }

  setState(saved: Pcg64State): void {
    this.state = BigInt(saved.state);
    this.inc = BigInt(saved.inc);
    this.hasUint32 = saved.hasUint32;
    this.uinteger = saved.uinteger;
  }

  /** Next 64-bit output. */
  nextUint64(): bigint {
    this.step();
    const s = this.state;
    const xored = ((s >> 64n) ^ s) & MASK64;
    const rot = Number(s >> 122n);
    return ((xored >> BigInt(rot)) | (xored << BigInt((64 - rot) & 63))) & MASK64;
  }

  /** Next 32-bit output: the low then the high half of one 64-bit draw, as NumPy buffers them. */
  nextUint32(): number {
    if (this.hasUint32) {
      this.hasUint32 = false;
      return this.uinteger;
    }
    const next = this.nextUint64();
    this.hasUint32 = true;
    this.uinteger = Number(next >> 32n);
    return Number(next & 0xffffffffn);
  }

  /** A float in [0, 1) with 53 random bits (NumPy's `random()`). */
  nextDouble(): number {
    return Number(this.nextUint64() >> 11n) / 2 ** 53;
  }

  /** NumPy's `random_interval`: a uniform integer in [0, max] by masked rejection. */
  interval(max: number): number {
    if (max === 0) return 0;
    if (max > 0xffffffff) return this.interval64(max);
    let mask = max;
    for (const shift of [1, 2, 4, 8, 16]) mask |= mask >>> shift;
    mask >>>= 0;
    for (;;) {
      const value = (this.nextUint32() & mask) >>> 0;
      if (value <= max) return value;
    }
  }

  private interval64(max: number): number {
    const big = BigInt(max);
    let mask = big;
    for (const shift of [1n, 2n, 4n, 8n, 16n, 32n]) mask |= mask >> shift;
    for (;;) {
      const value = this.nextUint64() & mask;
      if (value <= big) return Number(value);
    }
  }

  private step(): void {
    this.state = (this.state * MULTIPLIER + this.inc) & MASK128;
  }
}
