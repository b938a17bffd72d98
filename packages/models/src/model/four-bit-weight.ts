import {
  dequantize4bit,
  packWords,
  tf,
  type DequantizeDtype,
  type NestedAbsmaxTensors,
} from '@medgpt/core-tensor';
import type { DequantizeOptions, QuantizedWeight } from './quantized-weight.js';

/** What a 4-bit weight is made of (bitsandbytes' Params4bit with its quant state, double quantisation undone). */
export interface FourBitWeightParts {
  /** 'nf4' or 'fp4': which 16 values `code` holds. */
  format: string;
  /** [out_features, in_features]. */
  shape: readonly [number, number];
  /** The codes, two per byte, the first element in the high nibble: ceil(n / 2) bytes. */
  packed: Uint8Array;
  /** One scale per block of `blocksize` elements: float32, or double-quantised (a byte per block). */
  absmax: Float32Array | NestedAbsmaxParts;
  /** The value of each of the 16 codes. */
  code: Float32Array;
  blocksize: number;
  /** The weight's dtype: dequantised values are rounded to it. */
  dtype: DequantizeDtype;
}

/** A double-quantised absmax (bitsandbytes' nested quant state). */
export interface NestedAbsmaxParts {
  /** The 8-bit code of each block's absmax minus `offset`. */
  codes: Uint8Array;
  /** The 256 values of those codes. */
  code: Float32Array;
  /** A float32 scale per `blocksize` codes. */
  absmax: Float32Array;
  blocksize: number;
  offset: number;
}

/**
 * A linear weight stored in 4 bits (NF4 / FP4, bitsandbytes' layout) on the current backend: the packed
 * codes as int32 words (half a byte per element) and a scale per block, float32 or double-quantised
 * (a byte per block plus a float32 per 256 blocks, decoded inside the dequantising kernel). @medgpt/quant makes
 * them from a float weight or reads them from a bitsandbytes checkpoint.
 */
export class FourBitWeight implements QuantizedWeight {
  readonly format: string;
  readonly shape: readonly [number, number];
  readonly blocksize: number;
  readonly dtype: DequantizeDtype;
  private readonly packed: tf.Tensor1D;
  private readonly absmax: tf.Tensor1D | NestedAbsmaxTensors;
  private readonly code: tf.Tensor1D;

  constructor(parts: FourBitWeightParts) {
    const n = parts.shape[0] * parts.shape[1];
    if (parts.packed.length !== Math.ceil(n / 2) || parts.code.length !== 16)
      throw new RangeError(
        `FourBitWeight [${parts.shape}]: expected ${Math.ceil(n / 2)} packed bytes and 16 code values, got ${parts.packed.length} and ${parts.code.length}`,
      );
    const blocks = Math.ceil(n / parts.blocksize);
    const count = parts.absmax instanceof Float32Array ? parts.absmax.length : parts.absmax.codes.length;
    if (count !== blocks)
      throw new RangeError(
        `FourBitWeight [${parts.shape}]: expected ${blocks} absmax values for blocksize ${parts.blocksize}, got ${count}`,
      );
    this.format = parts.format;
    this.shape = [parts.shape[0], parts.shape[1]];
    this.blocksize = parts.blocksize;
    this.dtype = parts.dtype;
    this.packed = tf.tensor1d(packWords(parts.packed), 'int32');
    const a = parts.absmax;
    this.absmax =
      a instanceof Float32Array
        ? tf.tensor1d(a, 'float32')
        : {
            codes: tf.tensor1d(packWords(a.codes), 'int32'),
            code: tf.tensor1d(a.code, 'float32'),
            absmax: tf.tensor1d(a.absmax, 'float32'),
            blocksize: a.blocksize,
            offset: a.offset,
          };
    this.code = tf.tensor1d(parts.code, 'float32');
  }

  get byteSize(): number {
    return this.tensors().reduce((bytes, t) => bytes + t.size * 4, 0);
  }

  dequantize(options: DequantizeOptions = {}): tf.Tensor2D {
    return dequantize4bit(this.packed, this.absmax, this.code, {
      shape: this.shape,
      blocksize: this.blocksize,
      dtype: this.dtype,
      matmulOperand: options.matmulOperand,
    }) as tf.Tensor2D;
  }

  dispose(): void {
    tf.dispose(this.tensors());
  }

  private tensors(): tf.Tensor[] {
    const a = this.absmax;
    const absmax = a instanceof tf.Tensor ? [a] : [a.codes, a.code, a.absmax];
    return [this.packed, this.code, ...absmax];
  }
}
