import type { tf } from '../../tf.js';
import { registerHostKernel, type HostKernelImpl } from './js-kernel.js';
import { roundInPlace, wordBytes, type DequantizeDtype } from './dequantize-values.js';

/**
 * Kernel name: a 4-bit blockwise-quantised weight (bitsandbytes' NF4/FP4 layout) back to float32.
 *
 * Inputs: `packed` int32 [ceil(n / 8)] (the weight's bytes, little-endian, 4 per word; byte i holds
 * element 2i in its high nibble and 2i + 1 in its low one), `absmax` float32 [ceil(n / blocksize)],
 * `code` float32 [16] (the value of each 4-bit code). Output: float32 of `shape`, element i =
 * round(code[nibble i] * absmax[floor(i / blocksize)]) to `dtype`, the product in float32 as
 * bitsandbytes' kernel computes it.
 */
export const Dequantize4bit = 'Dequantize4bit';

export interface Dequantize4bitAttrs extends tf.NamedAttrMap {
  shape: number[];
  blocksize: number;
  dtype: DequantizeDtype;
}

export const dequantize4bitHostKernel: HostKernelImpl = ({ packed, absmax, code }, attrs) => {
  const { shape, blocksize, dtype } = attrs as Dequantize4bitAttrs;
  const n = shape.reduce((a, b) => a * b, 1);
  const bytes = wordBytes(packed!.values);
  const scale = absmax!.values as Float32Array;
  const table = code!.values as Float32Array;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const byte = bytes[i >> 1]!;
    const q = i & 1 ? byte & 0x0f : byte >> 4;
    out[i] = Math.fround(table[q]! * scale[Math.floor(i / blocksize)]!);
  }
  roundInPlace(out, dtype);
  return { values: out, shape: [...shape] };
};

registerHostKernel(Dequantize4bit, dequantize4bitHostKernel);
