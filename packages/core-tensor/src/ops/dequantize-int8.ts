import { tf } from '../tf.js';
import { DequantizeInt8, type DequantizeInt8Attrs } from '../kernel-names.js';

/**
 * A weight quantised row-wise to int8 (LLM.int8(): bitsandbytes' `weight` int8 + `SCB`) back to float32
 * [rows, cols]: `(q * SCB[row]) * (1/127)`, each product rounded to float32 as bitsandbytes'
 * `int8_vectorwise_dequant` does. `packed` holds the int8 codes as int32 words (`packWords`), `scb` one
 * float32 per row. Not differentiable (a frozen base weight). `matmulOperand`: as dequantize4bit's.
 */
export function dequantizeInt8(
  packed: tf.Tensor1D,
  scb: tf.Tensor1D,
  shape: readonly [number, number],
  options: { matmulOperand?: boolean } = {},
): tf.Tensor2D {
  const [rows, cols] = shape;
  if (!shape.every((d) => Number.isInteger(d) && d >= 0) || shape.length !== 2)
    throw new Error(`dequantizeInt8: shape [${shape}] must be [rows, cols] of non-negative integers`);
  const expect: [string, tf.Tensor, tf.DataType, number][] = [
    ['packed', packed, 'int32', Math.ceil((rows * cols) / 4)],
    ['scb', scb, 'float32', rows],
  ];
  for (const [name, t, dt, size] of expect) {
    if (t.dtype !== dt || t.rank !== 1 || t.size !== size)
      throw new Error(
        `dequantizeInt8: ${name} must be ${dt} [${size}] for shape [${shape}], got ${t.dtype} [${t.shape}]`,
      );
  }
  const attrs: DequantizeInt8Attrs = { shape: [rows, cols], matmulOperand: options.matmulOperand ?? false };
  return tf.engine().runKernel(DequantizeInt8, { packed, scb }, attrs) as tf.Tensor2D;
}
