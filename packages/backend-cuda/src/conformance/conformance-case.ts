import type { tf } from '@medgpt/core-tensor';
import type { MatmulPrecision } from '../runtime/matmul-plans.js';

/** One input of a case: host values, created as a tensor on each backend. */
export interface CaseInput {
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool';
  values: Float32Array | Int32Array | Uint8Array;
}

/**
 * Allowed difference |cuda - cpu| <= atol + rtol * |cpu|, per element. With `atolOfRms`, atol is
 * relative to the root mean square of the cpu tensor: right for sums of many bf16 products, whose
 * error follows the size of the terms, not of a result that cancelled to near zero.
 */
export interface Tolerance {
  rtol: number;
  atol: number;
  atolOfRms?: boolean;
}

/**
 * A check of one or more kernels: the same inputs run through `run` on the reference backend (cpu)
 * and on cuda, and the outputs (and, with `gradOf`, the gradients) must agree within `tolerance`.
 */
export interface ConformanceCase {
  /** What is checked, e.g. "Add broadcast [4,1,5] + [3,5]". */
  name: string;
  /** The kernels it exercises on the backend under test (forward and, with gradients, backward). */
  kernels: string[];
  inputs: () => CaseInput[];
  /** Computes the outputs from tensors made of `inputs()`, on whichever backend is active. */
  run: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[];
  /**
   * Indices of float inputs to also differentiate against: the gradient of sum_k <out_k, dy_k> with a
   * random dy_k per float output.
   */
  gradOf?: number[];
  /** Default: exact for int/bool outputs, { rtol: 1e-5, atol: 1e-6 } for float32. */
  tolerance?: Tolerance;
  /**
   * The cuda backend's matmul precision for this case (default the run's, 'fp32'): 'bf16' cases check
   * the tensor-core paths (cuBLASLt bf16, the tiled attention) at tolerances suited to bf16.
   */
  matmulPrecision?: MatmulPrecision;
}

/** The outcome of one case. */
export interface ConformanceResult {
  name: string;
  kernels: string[];
  ok: boolean;
  /** Largest |cuda - cpu| over every output and gradient. */
  maxAbsError: number;
  /** Largest share of the tolerance any element used, |cuda - cpu| / (atol + rtol |cpu|); <= 1 passes. */
  toleranceUsed: number;
  /** Why it failed (first mismatch, error message, leak). */
  message: string;
  /** Wall time on cuda, including reading the results back. */
  cudaMs: number;
}
