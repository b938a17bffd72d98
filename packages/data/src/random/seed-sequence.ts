// NumPy's SeedSequence (numpy/random/bit_generator.pyx), for an integer entropy and no spawn key:
// the hashing that turns `default_rng(seed)`'s seed into PCG64's 128-bit state and increment.

const INIT_A = 0x43b0d7e5;
const MULT_A = 0x931e8875;
const INIT_B = 0x8b51f9dd;
const MULT_B = 0x58f38ded;
const MIX_MULT_L = 0xca01f9dd;
const MIX_MULT_R = 0x4973f715;
const XSHIFT = 16;
const POOL_SIZE = 4;

const mul32 = (a: number, b: number): number => Math.imul(a, b) >>> 0;

/** The uint32 words of a non-negative integer seed, least significant first (NumPy's coercion). */
export function seedWords(seed: number | bigint): number[] {
  let value = BigInt(seed);
  if (value < 0n) throw new RangeError(`A seed must be a non-negative integer, got ${seed}`);
  const words: number[] = [];
  do {
    words.push(Number(value & 0xffffffffn));
    value >>= 32n;
  } while (value > 0n);
  return words;
}

/** The 4-word entropy pool NumPy's SeedSequence(seed) holds (`.pool`). */
export function seedSequencePool(seed: number | bigint): number[] {
  const entropy = seedWords(seed);
  let hashConst = INIT_A;
  const hashmix = (input: number): number => {
    let value = (input ^ hashConst) >>> 0;
    hashConst = mul32(hashConst, MULT_A);
    value = mul32(value, hashConst);
    return (value ^ (value >>> XSHIFT)) >>> 0;
  };
  const mix = (x: number, y: number): number => {
    const result = (mul32(MIX_MULT_L, x) - mul32(MIX_MULT_R, y)) >>> 0;
    return (result ^ (result >>> XSHIFT)) >>> 0;
  };
  const pool = Array.from({ length: POOL_SIZE }, (_, i) => hashmix(entropy[i] ?? 0));
  for (let src = 0; src < POOL_SIZE; src++) {
    for (let dst = 0; dst < POOL_SIZE; dst++) {
      if (src !== dst) pool[dst] = mix(pool[dst]!, hashmix(pool[src]!));
    }
  }
  for (let src = POOL_SIZE; src < entropy.length; src++) {
    for (let dst = 0; dst < POOL_SIZE; dst++) pool[dst] = mix(pool[dst]!, hashmix(entropy[src]!));
  }
  return pool;
}

/** `SeedSequence(seed).generate_state(words, np.uint64)`. */
export function seedSequenceState64(seed: number | bigint, words: number): bigint[] {
  const pool = seedSequencePool(seed);
  let hashConst = INIT_B;
  const state32: number[] = [];
  for (let i = 0; i < words * 2; i++) {
    let value = (pool[i % POOL_SIZE]! ^ hashConst) >>> 0;
    hashConst = mul32(hashConst, MULT_B);
    value = mul32(value, hashConst);
    state32.push((value ^ (value >>> XSHIFT)) >>> 0);
  }
  // Little-endian pairs of uint32 form each uint64, as NumPy's view('<u8').
  const out: bigint[] = [];
  for (let i = 0; i < words; i++) out.push(BigInt(state32[2 * i]!) | (BigInt(state32[2 * i + 1]!) << 32n));
  return out;
}
