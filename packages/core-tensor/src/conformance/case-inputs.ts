// Short constructors for case inputs.
import type { CaseInput } from './conformance-case.js';
import { integers, normal, sizeOfShape, uniform } from './random-inputs.js';

/** float32 normal(mean, std). */
export function f32(shape: number[], seed: number, std = 1, mean = 0): CaseInput {
  return { shape, dtype: 'float32', values: normal(sizeOfShape(shape), seed, std, mean) };
}

/** float32 uniform in [low, high). */
export function f32In(shape: number[], seed: number, low: number, high: number): CaseInput {
  return { shape, dtype: 'float32', values: uniform(sizeOfShape(shape), seed, low, high) };
}

/** int32 uniform in [low, high). */
export function i32(shape: number[], seed: number, low: number, high: number): CaseInput {
  return { shape, dtype: 'int32', values: integers(sizeOfShape(shape), seed, low, high) };
}

/** bool with about half true. */
export function bool(shape: number[], seed: number): CaseInput {
  return { shape, dtype: 'bool', values: Uint8Array.from(integers(sizeOfShape(shape), seed, 0, 2)) };
}

/** Explicit values. */
export function values(shape: number[], dtype: CaseInput['dtype'], data: ArrayLike<number>): CaseInput {
  const typed =
    dtype === 'float32'
      ? Float32Array.from(data)
      : dtype === 'int32'
        ? Int32Array.from(data)
        : Uint8Array.from(data);
  return { shape, dtype, values: typed };
}
