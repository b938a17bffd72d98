import { roundToDtype } from './bnb-dtype.js';
import { checkValues } from './check-values.js';
import { dequantize4bit } from './dequantize-4bit.js';
import { quantize4bit, type Bnb4bitWeight, type Quantize4bitOptions } from './quantize-4bit.js';
import { dequantizeInt8Rows, quantizeInt8Rows } from './quantize-int8-rows.js';
import { BnbError } from './bnb-error.js';

/** A weight quantised by LLM.int8() as bitsandbytes stores it (`Int8Params`: `weight` int8 + `SCB`). */
export interface BnbInt8Weight {
  /** `[out_features, in_features]`. */
  shape: [number, number];
  /** Row-major int8 codes. */
  int8: Int8Array;
  /** Per-row absmax (float32). */
  scb: Float32Array;
}

/** A bitsandbytes-quantised weight: 4-bit (NF4/FP4) or 8-bit (LLM.int8()). */
export type BnbWeight = { bits: 4; weight: Bnb4bitWeight } | { bits: 8; weight: BnbInt8Weight };

/** Options of `quantizeBnbWeight`. */
export type QuantizeBnbOptions = ({ bits: 4 } & Quantize4bitOptions) | { bits: 8; name?: string };

/**
 * Quantises a float32 weight as transformers + bitsandbytes do when a model loads with
 * `load_in_4bit` (`Params4bit`: `quantize4bit` with the options) or `load_in_8bit` (`Int8Params`: the
 * weight cast to float16, then `quantizeInt8Rows` without a threshold; the 8-bit weight must be 2-D).
 */
export function quantizeBnbWeight(
  values: Float32Array,
  shape: readonly number[],
  options: QuantizeBnbOptions,
): BnbWeight {
  if (options.bits === 4) return { bits: 4, weight: quantize4bit(values, shape, options) };
  if (options.bits !== 8) {
    const bits = (options as { bits: unknown }).bits;
    throw new BnbError('quantizeBnbWeight', undefined, `bits ${JSON.stringify(bits)}; expected 4 or 8`);
  }
  checkValues(values, shape, 'quantizeBnbWeight', options.name);
  if (shape.length !== 2) {
    throw new BnbError(
      'quantizeBnbWeight',
      options.name,
      `8-bit weights are 2-D [out_features, in_features]; got shape ${JSON.stringify(shape)}`,
    );
  }
  const [rows, cols] = shape as [number, number];
  const big = values.findIndex((v) => Math.abs(v) >= 65520);
  if (big >= 0) {
    throw new BnbError(
      'quantizeBnbWeight',
      options.name,
      `value ${values[big]} at flat index ${big} overflows float16, which LLM.int8() quantises from`,
    );
  }
  const q = quantizeInt8Rows(roundToDtype(values, 'float16'), rows, cols, { name: options.name });
  return { bits: 8, weight: { shape: [rows, cols], int8: q.int8, scb: q.scb } };
}

/** The weight back as float32 values (flattened, row-major), as bitsandbytes dequantises it. */
export function dequantizeBnbWeight(w: BnbWeight): Float32Array {
  if (w.bits === 4) return dequantize4bit(w.weight);
  const [rows, cols] = w.weight.shape;
  return dequantizeInt8Rows({ int8: w.weight.int8, scb: w.weight.scb, rows, cols });
}
