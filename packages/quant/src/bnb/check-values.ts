import { jsonPreview } from '@medgpt/json-preview';
import { BnbError } from './bnb-error.js';

/**
 * Checks that `shape` is a list of non-negative integers whose product is `values.length` (at least one
 * value) and that every value is finite; errors name `where` and `tensor`.
 */
export function checkValues(
  values: Float32Array,
  shape: readonly number[],
  where: string,
  tensor?: string,
): void {
  if (!(values instanceof Float32Array)) {
    throw new BnbError(where, tensor, `values must be a Float32Array, got ${describe(values)}`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new BnbError(where, tensor, `shape ${jsonPreview(shape)} is not a list of non-negative integers`);
  }
  const n = shape.reduce((a, b) => a * b, 1);
  if (n !== values.length) {
    throw new BnbError(where, tensor, `shape ${jsonPreview(shape)} holds ${n} values; got ${values.length}`);
  }
  if (n === 0) throw new BnbError(where, tensor, `shape ${jsonPreview(shape)} has no values to quantise`);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) {
      throw new BnbError(
        where,
        tensor,
        `value ${values[i]} at flat index ${i} is not finite; bitsandbytes quantisation needs finite weights`,
      );
    }
  }
}

function describe(v: unknown): string {
  if (v === null || typeof v !== 'object') return jsonPreview(v);
  return (v as object).constructor?.name ?? 'an object';
}
