import { fmaF32 } from './fma-f32.js';

/**
 * bitsandbytes' 8-bit dynamic quantisation map (`functional.create_dynamic_map`, Dettmers 2015,
 * "8-Bit Approximations for Parallelism in Deep Learning"): 256 sorted float32 values in [-1, 1] made of
 * a dynamic exponent (10^-6 ... 10^0) and a fraction whose bits shrink as the exponent grows. With the
 * defaults (signed, 7 exponent bits, 8 bits) it is the map double quantisation uses for the absmax
 * (`weight.nested_quant_map`).
 *
 * Computed with the same float32 steps as the Python: for exponent i, `torch.linspace(0.1, 1, n)` (torch's
 * float kernel: `start + step * k` for the first half, `end - step * (n - 1 - k)` for the second, each as
 * one fused multiply-add), the float32 means of adjacent boundaries, times `10 ** (i - 6)` rounded to
 * float32; then 0 and 1, sorted.
 */
export function createDynamicMap(signed = true, maxExponentBits = 7, totalBits = 8): Float32Array {
  const data: number[] = [];
  const nonSignBits = totalBits - 1;
  const additionalItems = 2 ** (nonSignBits - maxExponentBits) - 1;
  const addMeans = (count: number, i: number) => {
    const scale = Math.fround(10 ** (-(maxExponentBits - 1) + i));
    const boundaries = linspaceF32(0.1, 1, count);
    for (let k = 0; k + 1 < boundaries.length; k++) {
      const mean = Math.fround(Math.fround(boundaries[k]! + boundaries[k + 1]!) / 2);
      data.push(Math.fround(scale * mean));
      if (signed) data.push(Math.fround(-scale * mean));
    }
  };
  for (let i = 0; i < maxExponentBits; i++) {
    const exponent = signed ? i + nonSignBits - maxExponentBits : i + nonSignBits - maxExponentBits + 1;
    addMeans(Math.trunc(2 ** exponent + 1), i);
  }
  // As in the Python, the extra items use the last exponent of the loop above.
  if (additionalItems > 0) addMeans(additionalItems + 1, maxExponentBits - 1);
  data.push(0, 1);
  if (data.length !== 2 ** totalBits || data.length > 256) {
    throw new RangeError(
      `createDynamicMap: ${data.length} values for ${totalBits} bits (signed ${signed}, ` +
        `${maxExponentBits} exponent bits); bitsandbytes asserts 2^totalBits`,
    );
  }
  while (data.length < 256) data.push(0);
  data.sort((a, b) => a - b);
  return Float32Array.from(data);
}

/** `torch.linspace(start, end, steps, dtype=torch.float32)` on the CPU. */
export function linspaceF32(start: number, end: number, steps: number): Float32Array {
  const out = new Float32Array(steps);
  const s = Math.fround(start);
  const e = Math.fround(end);
  if (steps === 1) {
    out[0] = s;
    return out;
  }
  const step = Math.fround(Math.fround(e - s) / (steps - 1));
  const halfway = Math.floor(steps / 2);
  for (let k = 0; k < steps; k++) {
    out[k] = k < halfway ? fmaF32(step, k, s) : fmaF32(-step, steps - k - 1, e);
  }
  return out;
}
