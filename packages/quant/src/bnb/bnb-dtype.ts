import { bf16ToFloat32, f16ToFloat32, float32ToBf16, float32ToF16 } from '@medgpt/core-tensor';

/** The weight dtypes bitsandbytes quantises and dequantises to, as its quant state names them. */
export const BNB_DTYPES = ['float32', 'bfloat16', 'float16'] as const;
export type BnbDtype = (typeof BNB_DTYPES)[number];

/** Whether `value` names one of `BNB_DTYPES`. */
export function isBnbDtype(value: unknown): value is BnbDtype {
  return typeof value === 'string' && (BNB_DTYPES as readonly string[]).includes(value);
}

/**
 * `values` rounded to `dtype` (nearest, ties to even, as torch casts) and widened back to float32: the
 * values a tensor of that dtype holds. Returns `values` itself for float32.
 */
export function roundToDtype(values: Float32Array, dtype: BnbDtype): Float32Array {
  if (dtype === 'float32') return values;
  return dtype === 'bfloat16' ? bf16ToFloat32(float32ToBf16(values)) : f16ToFloat32(float32ToF16(values));
}
