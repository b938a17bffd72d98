import { roundToDtype } from './bnb-dtype.js';
import { dequantizeNestedAbsmax } from './double-quantize-absmax.js';
import { dequantizeFp4 } from './fp4-code.js';
import { dequantizeNf4 } from './nf4-code.js';
import type { Bnb4bitWeight } from './quantize-4bit.js';

/** The per-block absmax a 4-bit weight dequantises with (undoing double quantisation if there is one). */
export function blockAbsmax(weight: Bnb4bitWeight): Float32Array {
  if (weight.nested !== undefined) return dequantizeNestedAbsmax(weight.nested);
  if (weight.absmax === undefined)
    throw new RangeError('dequantize4bit: the weight has neither absmax nor nested');
  return weight.absmax;
}

/**
 * The weight back from 4 bits, flattened, as bitsandbytes' `dequantize_4bit` computes it on the GPU: code
 * value (the kernel's table; FP4's sign bit gives -0 for code 0b1000) times the block's absmax in float32,
 * then rounded to the weight's dtype and returned as float32 values.
 */
export function dequantize4bit(weight: Bnb4bitWeight): Float32Array {
  const { packed, blocksize, quantType } = weight;
  const n = weight.shape.reduce((a, b) => a * b, 1);
  const absmax = blockAbsmax(weight);
  const value = quantType === 'nf4' ? dequantizeNf4 : dequantizeFp4;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const byte = packed[i >> 1]!;
    out[i] = value(i & 1 ? byte & 0x0f : byte >> 4) * absmax[Math.floor(i / blocksize)]!;
  }
  return roundToDtype(out, weight.dtype);
}
