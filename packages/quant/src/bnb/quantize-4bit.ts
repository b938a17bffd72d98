import { roundToDtype, type BnbDtype } from './bnb-dtype.js';
import { BnbError } from './bnb-error.js';
import { checkValues } from './check-values.js';
import { doubleQuantizeAbsmax, type NestedAbsmax } from './double-quantize-absmax.js';
import { quantizeFp4 } from './fp4-code.js';
import { quantizeNf4 } from './nf4-code.js';

/** The 4-bit data types of bitsandbytes. */
export const FOUR_BIT_QUANT_TYPES = ['nf4', 'fp4'] as const;
export type FourBitQuantType = (typeof FOUR_BIT_QUANT_TYPES)[number];

/** Blocksizes `functional.quantize_4bit` accepts (64 is the default). */
export const FOUR_BIT_BLOCKSIZES: readonly number[] = Object.freeze([
  32, 64, 128, 256, 512, 1024, 2048, 4096,
]);

/**
 * A weight quantised to 4 bits as bitsandbytes holds it (`Params4bit` data + `QuantState`). Exactly one of
 * `absmax` and `nested` is set.
 */
export interface Bnb4bitWeight {
  quantType: FourBitQuantType;
  /** Values per absmax block (default 64). */
  blocksize: number;
  /** The weight's dtype: dequantisation rounds to it (`quant_state.dtype`). */
  dtype: BnbDtype;
  /** The weight's shape, e.g. `[out_features, in_features]` (`quant_state.shape`). */
  shape: number[];
  /**
   * Two codes per byte over the flattened weight, the first value in the HIGH nibble:
   * `byte[i] = code[2i] << 4 | code[2i + 1]`. An odd count pads the last low nibble with the code of 0.
   */
  packed: Uint8Array;
  /** max |x| per block, float32; set when the absmax is not double-quantised. */
  absmax?: Float32Array;
  /** The double-quantised absmax; set with `compressStatistics`. */
  nested?: NestedAbsmax;
}

/** Options of `quantize4bit`; the names follow `functional.quantize_4bit`. */
export interface Quantize4bitOptions {
  /** 'nf4' (default here, as MedicalGPT's QLoRA) or 'fp4' (bitsandbytes' own default). */
  quantType?: FourBitQuantType;
  /** Values per absmax block: 32, 64 (default), 128, ..., 4096. */
  blocksize?: number;
  /** Double-quantise the absmax (transformers' `bnb_4bit_use_double_quant`). Default false. */
  compressStatistics?: boolean;
  /** The offset for double quantisation; default the mean of the absmax (see `doubleQuantizeAbsmax`). */
  nestedOffset?: number;
  /**
   * The weight's dtype (default 'float32'). The values are rounded to it first: bitsandbytes quantises the
   * weight as the model holds it, and dequantises back to this dtype.
   */
  dtype?: BnbDtype;
  /** The tensor's name, for error messages. */
  name?: string;
}

/**
 * Quantises a float32 weight to bitsandbytes' 4-bit format, as its CUDA kernel does: per block of
 * `blocksize` flattened values (the last block may be shorter), `absmax = max |x|`; each value times the
 * float32 `1 / absmax` gets its NF4 or FP4 code (`quantizeNf4` / `quantizeFp4`); codes are packed two per
 * byte, first in the high nibble. An all-zero block has absmax 0 and codes 0 (0 * Infinity is NaN on the
 * GPU too), which dequantise to -0.
 *
 * ```ts
 * const w = quantize4bit(values, [out, inp], { quantType: 'nf4', compressStatistics: true });
 * ```
 */
export function quantize4bit(
  values: Float32Array,
  shape: readonly number[],
  options: Quantize4bitOptions = {},
): Bnb4bitWeight {
  const where = 'quantize4bit';
  const { quantType = 'nf4', blocksize = 64, compressStatistics = false, dtype = 'float32', name } = options;
  if (!(FOUR_BIT_QUANT_TYPES as readonly string[]).includes(quantType)) {
    throw new BnbError(where, name, `quant_type ${JSON.stringify(quantType)}; expected "nf4" or "fp4"`);
  }
  if (!FOUR_BIT_BLOCKSIZES.includes(blocksize)) {
    throw new BnbError(
      where,
      name,
      `blocksize ${blocksize}; bitsandbytes takes ${FOUR_BIT_BLOCKSIZES.join(', ')}`,
    );
  }
  checkValues(values, shape, where, name);
  const x = roundToDtype(values, dtype);
  const quantize = quantType === 'nf4' ? quantizeNf4 : quantizeFp4;
  const n = x.length;
  const blocks = Math.ceil(n / blocksize);
  const absmax = new Float32Array(blocks);
  const packed = new Uint8Array(Math.ceil(n / 2));
  let scale = 0;
  for (let b = 0; b < blocks; b++) {
    const start = b * blocksize;
    const end = Math.min(start + blocksize, n);
    let m = 0;
    for (let i = start; i < end; i++) m = Math.max(m, Math.abs(x[i]!));
    absmax[b] = m;
    scale = Math.fround(1 / m);
    // Blocksizes are even, so a block never splits a byte.
    for (let i = start; i < end; i++) {
      const q = quantize(Math.fround(x[i]! * scale));
      packed[i >> 1] |= i & 1 ? q : q << 4;
    }
  }
  // The kernel loads 0 past the end and scales it like the rest of the last block.
  if (n & 1) packed[n >> 1] |= quantize(Math.fround(0 * scale));
  const weight: Bnb4bitWeight = { quantType, blocksize, dtype, shape: shape.slice(), packed };
  if (compressStatistics) weight.nested = doubleQuantizeAbsmax(absmax, { offset: options.nestedOffset });
  else weight.absmax = absmax;
  return weight;
}
