import { tf } from '../tf.js';
import {
  Dequantize4bit,
  Dequantize4bitNested,
  type Dequantize4bitAttrs,
  type Dequantize4bitNestedAttrs,
  type DequantizeDtype,
  DEQUANTIZE_DTYPES,
} from '../kernel-names.js';

export interface Dequantize4bitOptions {
  /** The weight's shape (its element count n fixes the sizes of the inputs). */
  shape: readonly number[];
  /** Elements per absmax block (bitsandbytes: 64 by default; 32 to 4096). */
  blocksize: number;
  /** The dtype the values are rounded to, the weight's own (default float32: no rounding). */
  dtype?: DequantizeDtype;
  /**
   * The result only feeds matmuls (default false): a backend whose matmuls read bf16 may then store only
   * bf16 values (cuda in 'bf16' precision: no float32 buffer; values read back are rounded to bf16).
   */
  matmulOperand?: boolean;
}

/** A double-quantised absmax (bitsandbytes' nested quant state): 8-bit codes of absmax - offset. */
export interface NestedAbsmaxTensors {
  /** One byte per absmax block as int32 words (`packWords`). */
  codes: tf.Tensor1D;
  /** The 256 values of the 8-bit codes (bitsandbytes' dynamic map). */
  code: tf.Tensor1D;
  /** One float32 scale per `blocksize` absmax values. */
  absmax: tf.Tensor1D;
  /** Absmax values per nested block (bitsandbytes: 256). */
  blocksize: number;
  /** Added back after dequantising (float32). */
  offset: number;
}

/**
 * A 4-bit blockwise-quantised weight (bitsandbytes' NF4 / FP4: two codes per byte, the first in the
 * high nibble) back to float32 values: `code[q] * absmax[block]`, rounded to `dtype`. `packed` holds
 * the bytes as int32 words (`packWords`), `absmax` one float32 per block or its double-quantised form
 * (decoded per block inside the kernel), `code` the 16 values of the codes. Not differentiable (a frozen base weight);
 * quantized linear layers call it in forward and again in backward instead of keeping the result.
 */
export function dequantize4bit(
  packed: tf.Tensor1D,
  absmax: tf.Tensor1D | NestedAbsmaxTensors,
  code: tf.Tensor1D,
  options: Dequantize4bitOptions,
): tf.Tensor {
  const { shape, blocksize, dtype = 'float32', matmulOperand = false } = options;
  const n = shape.reduce((a, b) => a * b, 1);
  if (!shape.every((d) => Number.isInteger(d) && d >= 0))
    throw new Error(`dequantize4bit: shape [${shape}] must hold non-negative integers`);
  if (!(Number.isInteger(blocksize) && blocksize > 0))
    throw new Error(`dequantize4bit: blocksize ${blocksize} must be a positive integer`);
  if (!DEQUANTIZE_DTYPES.includes(dtype))
    throw new Error(`dequantize4bit: dtype ${dtype}; expected one of ${DEQUANTIZE_DTYPES.join(', ')}`);
  const blocks = Math.ceil(n / blocksize);
  const expect: [string, tf.Tensor, tf.DataType, number][] = [
    ['packed', packed, 'int32', Math.ceil(n / 8)],
    ['code', code, 'float32', 16],
  ];
  const nested = absmax instanceof tf.Tensor ? null : absmax;
  if (nested === null) expect.push(['absmax', absmax as tf.Tensor1D, 'float32', blocks]);
  else {
    if (!(Number.isInteger(nested.blocksize) && nested.blocksize > 0) || !Number.isFinite(nested.offset))
      throw new Error(
        `dequantize4bit: nested blocksize ${nested.blocksize} and offset ${nested.offset} must be a positive integer and a finite number`,
      );
    expect.push(
      ['absmax.codes', nested.codes, 'int32', Math.ceil(blocks / 4)],
      ['absmax.code', nested.code, 'float32', 256],
      ['absmax.absmax', nested.absmax, 'float32', Math.ceil(blocks / nested.blocksize)],
    );
  }
  for (const [name, t, dt, size] of expect) {
    if (t.dtype !== dt || t.rank !== 1 || t.size !== size)
      throw new Error(
        `dequantize4bit: ${name} must be ${dt} [${size}] for shape [${shape}] and blocksize ${blocksize}, got ${t.dtype} [${t.shape}]`,
      );
  }
  if (nested !== null) {
    const attrs: Dequantize4bitNestedAttrs = {
      shape: [...shape],
      blocksize,
      dtype,
      matmulOperand,
      nestedBlocksize: nested.blocksize,
      offset: nested.offset,
    };
    const inputs = {
      packed,
      code,
      absmaxCodes: nested.codes,
      absmaxCode: nested.code,
      nestedAbsmax: nested.absmax,
    };
    return tf.engine().runKernel(Dequantize4bitNested, inputs, attrs) as tf.Tensor;
  }
  const attrs: Dequantize4bitAttrs = { shape: [...shape], blocksize, dtype, matmulOperand };
  return tf
    .engine()
    .runKernel(Dequantize4bit, { packed, absmax: absmax as tf.Tensor1D, code }, attrs) as tf.Tensor;
}
