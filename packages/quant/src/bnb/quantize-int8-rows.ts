import { INT8_INV_127 } from '@medgpt/core-tensor';
import { BnbError } from './bnb-error.js';
import { checkValues } from './check-values.js';

/** A matrix quantised row-wise to int8 (LLM.int8()): what bitsandbytes stores as `weight` + `SCB`. */
export interface Int8Rows {
  /** round(x * 127 / SCB[row]), row-major `[rows, cols]`. */
  int8: Int8Array;
  /** Per-row absmax (`SCB`, float32), outliers left out when a threshold is set. */
  scb: Float32Array;
  rows: number;
  cols: number;
  /** Columns holding a value with |x| >= threshold (empty without a threshold), ascending. */
  outlierCols: number[];
}

/** Options of `quantizeInt8Rows`. */
export interface QuantizeInt8Options {
  /**
   * LLM.int8()'s outlier threshold (`llm_int8_threshold`, transformers' default 6.0 applies to the
   * activations at matmul time). When > 0, values with |x| >= threshold are left out of the row absmax and
   * quantised as 0, and with more than one row their whole columns are zeroed, as
   * `int8_vectorwise_quant(A, threshold)` does; the columns come back in `outlierCols`. Default 0: none.
   */
  threshold?: number;
  /** The tensor's name, for error messages. */
  name?: string;
}

/**
 * LLM.int8() row-wise quantisation (`functional.int8_vectorwise_quant`): per row `SCB = max |x|`, then
 * `int8 = round(x * (127 / SCB))` with the scale in float32 and rounding half to even (torch.round and
 * the kernel's `__float2int_rn`). A row of zeros gets SCB 0 and int8 0.
 */
export function quantizeInt8Rows(
  values: Float32Array,
  rows: number,
  cols: number,
  options: QuantizeInt8Options = {},
): Int8Rows {
  const { threshold = 0, name } = options;
  checkValues(values, [rows, cols], 'quantizeInt8Rows', name);
  if (!(threshold >= 0) || !Number.isFinite(threshold)) {
    throw new BnbError('quantizeInt8Rows', name, `threshold ${threshold}; expected a finite number >= 0`);
  }
  const isOutlier = (v: number) => threshold > 0 && Math.abs(v) >= threshold;
  const outlier = new Set<number>();
  if (threshold > 0) {
    for (let i = 0; i < values.length; i++) if (isOutlier(values[i]!)) outlier.add(i % cols);
  }
  const int8 = new Int8Array(rows * cols);
  const scb = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let m = 0;
    for (let c = 0; c < cols; c++) {
      const v = values[base + c]!;
      if (!isOutlier(v)) m = Math.max(m, Math.abs(v));
    }
    scb[r] = m;
    if (m === 0) continue;
    const scale = Math.fround(127 / m);
    for (let c = 0; c < cols; c++) {
      const v = values[base + c]!;
      if (isOutlier(v) || (rows > 1 && outlier.has(c))) continue;
      int8[base + c] = roundHalfEven(Math.fround(v * scale));
    }
  }
  return { int8, scb, rows, cols, outlierCols: [...outlier].sort((a, b) => a - b) };
}

/** Round to the nearest integer, halves to even (IEEE roundTiesToEven, as torch.round). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x); // halves go up
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** 1/127 as bitsandbytes writes it (`int8_vectorwise_dequant`), a float32 value (core-tensor's kernels use it too). */
export const INV_127 = INT8_INV_127;

/**
 * The matrix back from int8 rows as `int8_vectorwise_dequant` computes it: `(int8 * SCB[row]) * (1/127)`,
 * each product rounded to float32.
 */
export function dequantizeInt8Rows(q: Pick<Int8Rows, 'int8' | 'scb' | 'rows' | 'cols'>): Float32Array {
  const { int8, scb, rows, cols } = q;
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const s = scb[r]!;
    for (let c = 0; c < cols; c++) out[r * cols + c] = Math.fround(int8[r * cols + c]! * s) * INV_127;
  }
  return out;
}
