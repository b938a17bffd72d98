import type { tf } from '../../tf.js';
import { registerHostKernel, type HostKernelImpl } from './js-kernel.js';
import { wordBytes } from './dequantize-values.js';

/**
 * Kernel name: a weight quantised row-wise to int8 (LLM.int8(): bitsandbytes' `weight` + `SCB`) back to
 * float32.
 *
 * Inputs: `packed` int32 [ceil(rows * cols / 4)] (the int8 codes, row-major, little-endian, 4 per word),
 * `scb` float32 [rows] (each row's absmax). Output: float32 [rows, cols], element (r, c) =
 * (q * scb[r]) * (1 / 127), each product rounded to float32 as `int8_vectorwise_dequant` computes it.
 */
export const DequantizeInt8 = 'DequantizeInt8';

export interface DequantizeInt8Attrs extends tf.NamedAttrMap {
  shape: number[];
}

/** 1/127 as a float32 value, the factor bitsandbytes multiplies by. */
export const INT8_INV_127 = Math.fround(1 / 127);

export const dequantizeInt8HostKernel: HostKernelImpl = ({ packed, scb }, attrs) => {
  const [rows, cols] = (attrs as DequantizeInt8Attrs).shape as [number, number];
  const b = wordBytes(packed!.values);
  const codes = new Int8Array(b.buffer, b.byteOffset, b.byteLength);
  const s = scb!.values as Float32Array;
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const sr = s[r]!;
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      out[i] = Math.fround(Math.fround(codes[i]! * sr) * INT8_INV_127);
    }
  }
  return { values: out, shape: [rows, cols] };
};

registerHostKernel(DequantizeInt8, dequantizeInt8HostKernel);
