import { blocksFor, checkDistribution, sample, type Distribution } from './distributions.js';
import { philoxWords } from './philox.js';

/** A generator's whole state: the Philox key (the seed's low and high 32 bits) and the next block. */
export interface GeneratorState {
  key: [number, number];
  offset: number;
}

const UINT64_MAX = (1n << 64n) - 1n;

/**
 * A seeded random stream (Philox4x32-10, counter-based). Every draw reserves a range of blocks and
 * advances the offset, so the values depend only on (seed, offset): host code, the host kernels and a
 * device kernel that reads the same range produce the same numbers. Like torch.Generator, one
 * generator is one stream; save and restore it with getState/setState.
 */
export class Generator {
  private k0 = 0;
  private k1 = 0;
  private next = 0;

  /** `seed`: an integer in [0, 2^64), as a number (safe integer) or a bigint. */
  constructor(seed: number | bigint = 0) {
    this.manualSeed(seed);
  }

  /** Restarts the stream from `seed`, as torch.Generator.manual_seed. */
  manualSeed(seed: number | bigint): this {
    const valid =
      typeof seed === 'bigint' ? seed >= 0n && seed <= UINT64_MAX : Number.isSafeInteger(seed) && seed >= 0;
    if (!valid) {
      throw new RangeError(`Generator: seed ${String(seed)} is invalid; expected an integer in [0, 2^64)`);
    }
    const s = BigInt(seed);
    this.k0 = Number(s & 0xffffffffn);
    this.k1 = Number(s >> 32n);
    this.next = 0;
    return this;
  }

  /** The seed this stream was started from. */
  get seed(): bigint {
    return (BigInt(this.k1) << 32n) | BigInt(this.k0);
  }

  /** The Philox key words, for kernels that draw from this stream. */
  get key(): [number, number] {
    return [this.k0, this.k1];
  }

  /** The next unused block. */
  get offset(): number {
    return this.next;
  }

  getState(): GeneratorState {
    return { key: [this.k0, this.k1], offset: this.next };
  }

  setState(state: GeneratorState): void {
    const [k0, k1] = state.key;
    const word = (w: number): boolean => Number.isInteger(w) && w >= 0 && w < 0x100000000;
    if (!word(k0) || !word(k1) || !Number.isSafeInteger(state.offset) || state.offset < 0) {
      throw new RangeError(
        `Generator.setState: got key ${JSON.stringify(state.key)}, offset ${state.offset}; ` +
          'expected two uint32 key words and a non-negative integer offset',
      );
    }
    this.k0 = k0;
    this.k1 = k1;
    this.next = state.offset;
  }

  /** Reserves the blocks for `n` elements and returns the first block. */
  reserve(n: number): number {
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new RangeError(
        `Generator.reserve: element count ${n} is invalid; expected a non-negative integer`,
      );
    }
    const start = this.next;
    this.next += blocksFor(n);
    return start;
  }

  /** `n` raw uint32 words. */
  uint32(n: number): Uint32Array {
    const start = this.reserve(n);
    const out = new Uint32Array(blocksFor(n) * 4);
    philoxWords(this.k0, this.k1, start, out);
    return out.subarray(0, n);
  }

  /** `n` samples uniform in [low, high). */
  uniform(n: number, low = 0, high = 1): Float32Array {
    return this.draw(n, { kind: 'uniform', low, high });
  }

  /** `n` normal samples (Box-Muller). */
  normal(n: number, mean = 0, std = 1): Float32Array {
    return this.draw(n, { kind: 'normal', mean, std });
  }

  /** `n` normal samples restricted to [a, b] (absolute bounds), as torch.nn.init.trunc_normal_. */
  truncatedNormal(n: number, mean = 0, std = 1, a = -2, b = 2): Float32Array {
    return this.draw(n, { kind: 'truncated_normal', mean, std, a, b });
  }

  // Checks before reserving, so a rejected call leaves the stream where it was.
  private draw(n: number, dist: Distribution): Float32Array {
    checkDistribution(dist);
    return sample(this.k0, this.k1, this.reserve(n), n, dist);
  }
}
