import type { Tolerance } from './conformance-case.js';

/** A tensor read back from a backend. */
export interface ReadTensor {
  label: string;
  shape: number[];
  dtype: string;
  values: Float32Array | Int32Array | Uint8Array;
}

export interface Comparison {
  maxAbsError: number;
  /** max over elements of |got - want| / (atol + rtol |want|): at most 1 when everything passes. */
  toleranceUsed: number;
  /** The first problem found, or '' when everything agrees. */
  problem: string;
}

/** Default tolerance: exact for integers and bools, a few float32 ulps of slack for floats. */
export const FLOAT_TOLERANCE: Tolerance = { rtol: 1e-5, atol: 1e-6 };

/** The backends' names, for the messages. */
export interface ComparedBackends {
  reference: string;
  backend: string;
}

/**
 * Compares `got` (backend under test) with `want` (reference) element by element: shapes and dtypes
 * must match; NaN must meet NaN and infinities the same infinity; finite values must satisfy
 * |got - want| <= atol + rtol * |want|.
 */
export function compareTensors(
  want: ReadTensor,
  got: ReadTensor,
  tolerance: Tolerance | undefined,
  names: ComparedBackends = { reference: 'reference', backend: 'backend' },
): Comparison {
  const [ref, be] = [names.reference, names.backend];
  const result: Comparison = { maxAbsError: 0, toleranceUsed: 0, problem: '' };
  if (want.dtype !== got.dtype || want.shape.join(',') !== got.shape.join(',')) {
    result.problem = `${want.label}: ${ref} gives ${want.dtype}[${want.shape}], ${be} ${got.dtype}[${got.shape}]`;
    return result;
  }
  const tol = tolerance ?? (want.dtype === 'float32' ? FLOAT_TOLERANCE : { rtol: 0, atol: 0 });
  const atol = tol.atolOfRms ? tol.atol * rms(want.values) : tol.atol;
  for (let i = 0; i < want.values.length; i++) {
    const w = want.values[i]!;
    const g = got.values[i]!;
    if (Number.isNaN(w) || Number.isNaN(g) || !Number.isFinite(w) || !Number.isFinite(g)) {
      if (!Object.is(w, g) && !(Number.isNaN(w) && Number.isNaN(g)) && result.problem === '') {
        result.problem = `${want.label}[${i}]: ${ref} ${w}, ${be} ${g}`;
      }
      continue;
    }
    const abs = Math.abs(g - w);
    const allowed = atol + tol.rtol * Math.abs(w);
    result.maxAbsError = Math.max(result.maxAbsError, abs);
    const used = allowed > 0 ? abs / allowed : abs > 0 ? Infinity : 0;
    result.toleranceUsed = Math.max(result.toleranceUsed, used);
    if (used > 1 && result.problem === '') {
      result.problem = `${want.label}[${i}]: ${ref} ${w}, ${be} ${g} (|diff| ${abs.toExponential(2)} > ${allowed.toExponential(2)})`;
    }
  }
  return result;
}

/** Root mean square of the finite values. */
function rms(values: ArrayLike<number>): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) {
      sum += v * v;
      n++;
    }
  }
  return n > 0 ? Math.sqrt(sum / n) : 0;
}
