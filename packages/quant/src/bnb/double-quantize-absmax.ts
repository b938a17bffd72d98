import { createDynamicMap } from './create-dynamic-map.js';
import { dequantizeBlockwise, quantizeBlockwise, type Blockwise8bit } from './quantize-blockwise.js';

/** The blocksize bitsandbytes uses for the absmax in double quantisation (`nested_blocksize`). */
export const NESTED_BLOCKSIZE = 256;

/**
 * The 4-bit absmax after double quantisation (bitsandbytes' `compress_statistics`, transformers'
 * `bnb_4bit_use_double_quant`): `absmax - offset` quantised to 8 bits with the dynamic map in blocks of 256.
 * Saved as `weight.absmax` (U8, the codes), `weight.nested_absmax`, `weight.nested_quant_map` and
 * `nested_offset` / `nested_blocksize` / `nested_dtype` in the quant-state JSON.
 */
export interface NestedAbsmax extends Blockwise8bit {
  /** The mean of the absmax, subtracted before quantising (float32). */
  offset: number;
}

/** Options of `doubleQuantizeAbsmax`. */
export interface DoubleQuantizeOptions {
  /**
   * The offset to subtract; default the mean of `absmax`. bitsandbytes takes `absmax.mean()` on the GPU,
   * a float32 sum in the reduction kernel's order, which can differ from our correctly rounded mean in
   * the last bits; pass its `nested_offset` to reproduce its bytes exactly.
   */
  offset?: number;
}

/**
 * Double quantisation of a 4-bit weight's absmax: `offset = mean(absmax)` (float64 sum, rounded to
 * float32), then `quantizeBlockwise(absmax - offset, createDynamicMap(), 256)` with the subtraction in
 * float32.
 */
export function doubleQuantizeAbsmax(
  absmax: Float32Array,
  options: DoubleQuantizeOptions = {},
): NestedAbsmax {
  let offset = options.offset;
  if (offset === undefined) {
    let sum = 0;
    for (let i = 0; i < absmax.length; i++) sum += absmax[i]!;
    offset = absmax.length === 0 ? 0 : sum / absmax.length;
  }
  offset = Math.fround(offset);
  if (!Number.isFinite(offset)) {
    throw new RangeError(`doubleQuantizeAbsmax: offset ${offset} is not a finite number`);
  }
  const centred = new Float32Array(absmax.length);
  for (let i = 0; i < absmax.length; i++) centred[i] = absmax[i]! - offset;
  return { ...quantizeBlockwise(centred, createDynamicMap(), NESTED_BLOCKSIZE), offset };
}

/** The absmax back from its double quantisation: `code[q] * nested_absmax + offset`, each step in float32. */
export function dequantizeNestedAbsmax(nested: NestedAbsmax): Float32Array {
  const out = dequantizeBlockwise(nested);
  const offset = Math.fround(nested.offset);
  for (let i = 0; i < out.length; i++) out[i] = out[i]! + offset;
  return out;
}
