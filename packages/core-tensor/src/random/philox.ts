// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011), the
// counter-based generator of Random123, cuRAND and PyTorch's CUDA RNG. Output block n is a pure
// function of (key, n), so a GPU kernel can compute element i without any shared state.

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** High 32 bits of the 64-bit product of two uint32 (exact: every partial product is below 2^53). */
function mulhi(a: number, b: number): number {
  const aLo = a & 0xffff;
  const aHi = a >>> 16;
  const bLo = b & 0xffff;
  const bHi = b >>> 16;
  const cross = ((aLo * bLo) >>> 16) + aHi * bLo + aLo * bHi;
  return (aHi * bHi + Math.floor(cross / 65536)) >>> 0;
}

/**
 * Writes the 4 words of Philox4x32-10 for counter (c0..c3) and key (k0, k1) into `out[at..at+3]`.
 * All arguments are uint32 values.
 */
export function philox4x32(
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  k0: number,
  k1: number,
  out: Uint32Array,
  at = 0,
): void {
  for (let round = 0; round < 10; round++) {
    if (round > 0) {
      k0 = (k0 + W0) >>> 0;
      k1 = (k1 + W1) >>> 0;
    }
    const hi0 = mulhi(M0, c0);
    const lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi(M1, c2);
    const lo1 = Math.imul(M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
  }
  out[at] = c0;
  out[at + 1] = c1;
  out[at + 2] = c2;
  out[at + 3] = c3;
}

/**
 * Fills `out` with the words of consecutive blocks starting at block `offset` (a 64-bit counter in
 * c0/c1; c2 = c3 = 0): word j comes from block offset + floor(j / 4), lane j % 4.
 */
export function philoxWords(k0: number, k1: number, offset: number, out: Uint32Array): void {
  const block = new Uint32Array(4);
  const full = out.length >>> 2;
  for (let b = 0; b <= full; b++) {
    const base = b * 4;
    if (base >= out.length) break;
    const n = offset + b;
    philox4x32(n % 0x100000000, Math.floor(n / 0x100000000), 0, 0, k0, k1, block);
    for (let lane = 0; lane < 4 && base + lane < out.length; lane++) out[base + lane] = block[lane]!;
  }
}
