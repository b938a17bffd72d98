// Deterministic pseudo-random inputs for the conformance cases (no dependency on any backend's RNG).

/** mulberry32: a small, fast 32-bit generator; the same seed gives the same stream everywhere. */
export function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal samples (Box-Muller). */
export function normal(count: number, seed: number, std = 1, mean = 0): Float32Array {
  const next = generator(seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const u = Math.max(next(), 1e-12);
    const v = next();
    const r = Math.sqrt(-2 * Math.log(u)) * std;
    out[i] = mean + r * Math.cos(2 * Math.PI * v);
    if (i + 1 < count) out[i + 1] = mean + r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

/** Uniform samples in [low, high). */
export function uniform(count: number, seed: number, low: number, high: number): Float32Array {
  const next = generator(seed);
  return Float32Array.from({ length: count }, () => low + (high - low) * next());
}

/** Integers uniform in [low, high). */
export function integers(count: number, seed: number, low: number, high: number): Int32Array {
  const next = generator(seed);
  return Int32Array.from({ length: count }, () => low + Math.floor((high - low) * next()));
}

export function sizeOfShape(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
