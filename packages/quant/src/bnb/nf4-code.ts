import { countBelow } from './count-below.js';

// NF4 (NormalFloat4, QLoRA): 16 quantiles of N(0, 1) scaled to [-1, 1]. The 4-bit code is an index
// into this table, not a float encoding.

/**
 * The NF4 code values, index 0-15, exactly as bitsandbytes has them (`functional.get_4bit_type("nf4")`,
 * the `nf4_dequantization_lut` of `csrc/kernels.cu`); each is a float32 value. This is also the
 * `weight.quant_map` tensor transformers saves for an NF4 weight.
 */
export const NF4_CODE: readonly number[] = Object.freeze([
  -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635,
  -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725,
  0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0,
]);

/**
 * The decision thresholds of bitsandbytes' CUDA `dQuantizeNF4` tree (float32 literals), in ascending
 * order: threshold i separates code i from code i + 1. They are the float32 midpoints of adjacent code
 * values (the test checks this), which bitsandbytes' CPU reference (`torch.bucketize` over those
 * midpoints) uses too.
 */
export const NF4_THRESHOLDS: readonly number[] = Object.freeze(
  [
    -0.8480964004993439, -0.6106329262256622, -0.4599952697753906, -0.33967943489551544, -0.23460740596055984,
    -0.13791173323988914, -0.045525018125772476, 0.03979014977812767, 0.1202552504837513, 0.2035212516784668,
    0.2920137718319893, 0.3893125355243683, 0.5016634166240692, 0.6427869200706482, 0.8614784181118011,
  ].map(Math.fround),
);

/**
 * The NF4 code of `x`, a value already divided by its block's absmax: the CUDA kernel's tree, which
 * takes the upper code only when `x` is strictly greater than the threshold, so a value exactly on a
 * threshold gets the lower code. The tree is a binary search over the sorted thresholds, so the code is
 * the number of thresholds below `x`. NaN (a block whose absmax is 0: 0 * 1/0) gets code 0, as on the GPU.
 */
export function quantizeNf4(x: number): number {
  return countBelow(NF4_THRESHOLDS, x);
}

/** The value of NF4 code `q` (its low 4 bits), before scaling by the absmax. */
export function dequantizeNf4(q: number): number {
  return NF4_CODE[q & 0x0f]!;
}
