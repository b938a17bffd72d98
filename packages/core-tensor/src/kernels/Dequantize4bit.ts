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

/**
 * Kernel name: `Dequantize4bit` with a double-quantised absmax (bitsandbytes' `compress_statistics`):
 * the absmax of block b is itself an 8-bit code, `absmax[b] = absmaxCode[q8[b]] * nestedAbsmax[b /
 * nestedBlocksize] + offset` (each step rounded to float32, as bitsandbytes dequantises it first), so
 * the absmax costs a byte per block instead of four.
 *
 * Inputs: `packed` and `code` as Dequantize4bit, `absmaxCodes` int32 [ceil(blocks / 4)] (a byte per
 * block), `absmaxCode` float32 [256], `nestedAbsmax` float32 [ceil(blocks / nestedBlocksize)].
 */
export const Dequantize4bitNested = 'Dequantize4bitNested';

export interface Dequantize4bitNestedAttrs extends Dequantize4bitAttrs {
  nestedBlocksize: number;
  /** The mean subtracted before the absmax was quantised (float32). */
  offset: number;
}

export const dequantize4bitNestedHostKernel: HostKernelImpl = (inputs, attrs) => {
  const { packed, code, absmaxCodes, absmaxCode, nestedAbsmax } = inputs;
  const { shape, blocksize, dtype, nestedBlocksize, offset } = attrs as Dequantize4bitNestedAttrs;
  const blocks = Math.ceil(shape.reduce((a, b) => a * b, 1) / blocksize);
  const q8 = wordBytes(absmaxCodes!.values);
  const c8 = absmaxCode!.values as Float32Array;
  const nested = nestedAbsmax!.values as Float32Array;
  const absmax = new Float32Array(blocks);
  for (let b = 0; b < blocks; b++)
    absmax[b] = Math.fround(c8[q8[b]!]! * nested[Math.floor(b / nestedBlocksize)]!) + Math.fround(offset);
  const scale = { values: absmax, shape: [blocks], dtype: 'float32' as const };
  return dequantize4bitHostKernel(
    { packed: packed!, absmax: scale, code: code! },
    { shape, blocksize, dtype },
  );
};

registerHostKernel(Dequantize4bitNested, dequantize4bitNestedHostKernel);
