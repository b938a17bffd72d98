import { tf } from '../tf.js';
import { Dequantize4bit, type Dequantize4bitAttrs } from './kernels/Dequantize4bit.js';
import { DEQUANTIZE_DTYPES, type DequantizeDtype } from './kernels/dequantize-values.js';

export interface Dequantize4bitOptions {
  /** The weight's shape (its element count n fixes the sizes of the inputs). */
  shape: readonly number[];
  /** Elements per absmax block (bitsandbytes: 64 by default; 32 to 4096). */
  blocksize: number;
  /** The dtype the values are rounded to, the weight's own (default float32: no rounding). */
  dtype?: DequantizeDtype;
}

/**
 * A 4-bit blockwise-quantised weight (bitsandbytes' NF4 / FP4: two codes per byte, the first in the
 * high nibble) back to float32 values: `code[q] * absmax[block]`, rounded to `dtype`. `packed` holds
 * the bytes as int32 words (`packWords`), `absmax` one float32 per block (double quantisation undone
 * by the caller), `code` the 16 values of the codes. Not differentiable (a frozen base weight);
 * quantized linear layers call it in forward and again in backward instead of keeping the result.
 */
export function dequantize4bit(
  packed: tf.Tensor1D,
  absmax: tf.Tensor1D,
  code: tf.Tensor1D,
  options: Dequantize4bitOptions,
): tf.Tensor {
  const { shape, blocksize, dtype = 'float32' } = options;
  const n = shape.reduce((a, b) => a * b, 1);
  if (!shape.every((d) => Number.isInteger(d) && d >= 0))
    throw new Error(`dequantize4bit: shape [${shape}] must hold non-negative integers`);
  if (!(Number.isInteger(blocksize) && blocksize > 0))
    throw new Error(`dequantize4bit: blocksize ${blocksize} must be a positive integer`);
  if (!DEQUANTIZE_DTYPES.includes(dtype))
    throw new Error(`dequantize4bit: dtype ${dtype}; expected one of ${DEQUANTIZE_DTYPES.join(', ')}`);
  const expect: [string, tf.Tensor, tf.DataType, number][] = [
    ['packed', packed, 'int32', Math.ceil(n / 8)],
    ['absmax', absmax, 'float32', Math.ceil(n / blocksize)],
    ['code', code, 'float32', 16],
  ];
  for (const [name, t, dt, size] of expect) {
    if (t.dtype !== dt || t.rank !== 1 || t.size !== size)
      throw new Error(
        `dequantize4bit: ${name} must be ${dt} [${size}] for shape [${shape}] and blocksize ${blocksize}, got ${t.dtype} [${t.shape}]`,
      );
  }
  const attrs: Dequantize4bitAttrs = { shape: [...shape], blocksize, dtype };
  return tf.engine().runKernel(Dequantize4bit, { packed, absmax, code }, attrs) as tf.Tensor;
}
