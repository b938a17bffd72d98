import { dequantizeInt8, packWords, tf } from '@medgpt/core-tensor';
import type { DequantizeOptions, QuantizedWeight } from './quantized-weight.js';

/**
 * A linear weight stored row-wise in int8 (LLM.int8(): bitsandbytes' `weight` + `SCB`) on the current
 * backend: the codes as int32 words (a byte per element) and a float32 absmax per row.
 */
export class Int8Weight implements QuantizedWeight {
  readonly format = 'int8';
  readonly shape: readonly [number, number];
  private readonly packed: tf.Tensor1D;
  private readonly scb: tf.Tensor1D;

  /** `codes` row-major [rows, cols]; `scb` [rows]. */
  constructor(shape: readonly [number, number], codes: Int8Array, scb: Float32Array) {
    const [rows, cols] = shape;
    if (codes.length !== rows * cols || scb.length !== rows)
      throw new RangeError(
        `Int8Weight [${shape}]: expected ${rows * cols} codes and ${rows} SCB values, got ${codes.length} and ${scb.length}`,
      );
    this.shape = [rows, cols];
    this.packed = tf.tensor1d(packWords(codes), 'int32');
    this.scb = tf.tensor1d(scb, 'float32');
  }

  get byteSize(): number {
    return (this.packed.size + this.scb.size) * 4;
  }

  dequantize(options: DequantizeOptions = {}): tf.Tensor2D {
    return dequantizeInt8(this.packed, this.scb, this.shape, options);
  }

  dispose(): void {
    tf.dispose([this.packed, this.scb]);
  }
}
