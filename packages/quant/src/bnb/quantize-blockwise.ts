// bitsandbytes' blockwise 8-bit quantisation with a code map (`functional.quantize_blockwise`), the way
// its CUDA kernel (`kQuantizeBlockwise`, General8bit, `dQuantize<0>`) does it. Double quantisation uses it
// on the 4-bit absmax with the dynamic map and blocks of 256.

/** Blocksizes bitsandbytes' 8-bit blockwise kernels take. */
export const BLOCKWISE_8BIT_BLOCKSIZES: readonly number[] = Object.freeze([
  64, 128, 256, 512, 1024, 2048, 4096,
]);

/** 8-bit codes with their per-block absmax: what `quantize_blockwise` returns. */
export interface Blockwise8bit {
  /** One code (index into `code`) per value. */
  codes: Uint8Array;
  /** max |x| of each block of `blocksize` values (the last block may be shorter), float32. */
  absmax: Float32Array;
  /** The 256 sorted code values (the map). */
  code: Float32Array;
  blocksize: number;
}

/**
 * Quantises `values` (float32) in blocks of `blocksize`: per block, `absmax = max |x|`, each value is
 * multiplied by the float32 `1 / absmax` (as the kernel does; not divided) and gets the code picked by
 * `quantizeWithMap`. A block of zeros has absmax 0 and its values (0 * Infinity = NaN) get code 0, as on
 * the GPU.
 */
export function quantizeBlockwise(
  values: Float32Array,
  code: Float32Array,
  blocksize: number,
): Blockwise8bit {
  if (!BLOCKWISE_8BIT_BLOCKSIZES.includes(blocksize)) {
    throw new RangeError(
      `quantizeBlockwise: blocksize ${blocksize}; bitsandbytes takes ${BLOCKWISE_8BIT_BLOCKSIZES.join(', ')}`,
    );
  }
  if (code.length !== 256) {
    throw new RangeError(`quantizeBlockwise: the code map has ${code.length} values; expected 256 (sorted)`);
  }
  const n = values.length;
  const blocks = Math.ceil(n / blocksize);
  const codes = new Uint8Array(n);
  const absmax = new Float32Array(blocks);
  for (let b = 0; b < blocks; b++) {
    const start = b * blocksize;
    const end = Math.min(start + blocksize, n);
    let m = 0;
    for (let i = start; i < end; i++) m = Math.max(m, Math.abs(values[i]!));
    absmax[b] = m;
    const scale = Math.fround(1 / m);
    for (let i = start; i < end; i++) codes[i] = quantizeWithMap(code, Math.fround(values[i]! * scale));
  }
  return { codes, absmax, code, blocksize };
}

/**
 * The code of `x` in the sorted 256-value map, as the CUDA kernel's `dQuantize<0>` finds it: a 7-step
 * binary search from the middle (index 127), then the nearer of the last value and its neighbour on the
 * side of `x`, by float32 midpoints; a value exactly on a midpoint stays with the searched value.
 */
export function quantizeWithMap(code: Float32Array, x: number): number {
  let pivot = 127;
  let upperPivot = 255;
  let lowerPivot = 0;
  let lower = -1;
  let upper = 1;
  let val = code[pivot]!;
  for (let i = 64; i > 0; i >>= 1) {
    if (x > val) {
      lowerPivot = pivot;
      lower = val;
      pivot += i;
    } else {
      upperPivot = pivot;
      upper = val;
      pivot -= i;
    }
    val = code[pivot]!;
  }
  if (upperPivot === 255) upper = code[upperPivot]!;
  if (lowerPivot === 0) lower = code[lowerPivot]!;
  if (x > val) {
    const midpoint = Math.fround(Math.fround(upper + val) * 0.5);
    return x > midpoint ? upperPivot : pivot;
  }
  const midpoint = Math.fround(Math.fround(lower + val) * 0.5);
  return x < midpoint ? lowerPivot : pivot;
}

/** `code[q] * absmax` in float32 per value: `functional.dequantize_blockwise` with a float32 output. */
export function dequantizeBlockwise(q: Blockwise8bit): Float32Array {
  const { codes, absmax, code, blocksize } = q;
  const out = new Float32Array(codes.length);
  for (let i = 0; i < codes.length; i++) {
    out[i] = code[codes[i]!]! * absmax[Math.floor(i / blocksize)]!;
  }
  return out;
}
