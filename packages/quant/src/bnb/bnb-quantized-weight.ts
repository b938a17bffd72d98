import { FourBitWeight, Int8Weight, type QuantizedWeight } from '@medgpt/models';
import type { BnbWeight } from './bnb-weight.js';
import { blockAbsmax } from './dequantize-4bit.js';
import { dequantizeFp4 } from './fp4-code.js';
import { dequantizeNf4 } from './nf4-code.js';

/** The 16 values a 4-bit code dequantises to, as the CUDA kernel's table has them (FP4 code 8 is -0). */
function codeTable(quantType: 'nf4' | 'fp4'): Float32Array {
  const value = quantType === 'nf4' ? dequantizeNf4 : dequantizeFp4;
  return Float32Array.from({ length: 16 }, (_, q) => value(q));
}

/**
 * A bitsandbytes weight as quantised storage of a @medgpt/models linear layer (QLoRA's base), on the
 * current backend: 4-bit codes stay packed two per byte with their absmax (a float32 per block, or
 * double-quantised: a byte per block), int8 codes one per byte with their row absmax. Dequantising it gives the values
 * `dequantizeBnbWeight` gives, bit for bit, on every backend.
 */
export function bnbQuantizedWeight(w: BnbWeight): QuantizedWeight {
  if (w.bits === 8) return new Int8Weight(w.weight.shape, w.weight.int8, w.weight.scb);
  const q = w.weight;
  if (q.shape.length !== 2)
    throw new RangeError(`bnbQuantizedWeight: a linear weight is 2-D, got shape [${q.shape}]`);
  return new FourBitWeight({
    format: q.quantType,
    shape: [q.shape[0]!, q.shape[1]!],
    packed: q.packed,
    // A double-quantised absmax stays a byte per block: the kernel decodes it, as bitsandbytes does.
    absmax:
      q.nested === undefined
        ? blockAbsmax(q)
        : {
            codes: q.nested.codes,
            code: q.nested.code,
            absmax: q.nested.absmax,
            blocksize: q.nested.blocksize,
            offset: q.nested.offset,
          },
    code: codeTable(q.quantType),
    blocksize: q.blocksize,
    dtype: q.dtype,
  });
}
