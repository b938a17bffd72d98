import type { tf } from '../tf.js';

/** One input of a case: host values, created as a tensor on each backend. */
export interface CaseInput {
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool';
  values: Float32Array | Int32Array | Uint8Array;
}

/**
 * Allowed difference |got - want| <= atol + rtol * |want|, per element (want: the reference backend's
 * value). With `atolOfRms`, atol is relative to the root mean square of the reference tensor: right for
 * sums of many bf16 products, whose error follows the size of the terms, not of a result that
 * cancelled to near zero.
 */
export interface Tolerance {
  rtol: number;
  atol: number;
  atolOfRms?: boolean;
}

/** The matmul precisions a backend may offer (cuda: MEDGPT_CUDA_MATMUL); cpu and wasm have fp32 only. */
export type MatmulPrecision = 'bf16' | 'tf32' | 'fp32';

/**
 * The device backends: they run the cases sized for a device's launch grids and tiles (`DEVICE_SIZED`),
 * which take seconds on a host backend and check nothing there that the small cases miss. A new
 * device backend adds its name.
 */
export const DEVICE_BACKENDS: readonly string[] = ['cuda'];

/** `onlyOn` of the cases at training size. */
export const DEVICE_SIZED = {
  backends: DEVICE_BACKENDS,
  reason:
    "training-size shapes for a device's launch grids and tiled reductions; on cpu and wasm they take " +
    'seconds and check nothing the smaller cases miss',
};

/**
 * A check of one or more kernels: the same inputs run through `run` on the reference backend (cpu)
 * and on the backend under test, and the outputs (and, with `gradOf`, the gradients) must agree within
 * `tolerance`.
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
   * The matmul precision this case asks of a backend that has a choice (default fp32; cuda sets it
   * through RunConformanceOptions.prepareCase): 'bf16' cases check the tensor-core paths (cuBLASLt bf16,
   * the tiled attention) at tolerances suited to bf16.
   */
  matmulPrecision?: MatmulPrecision;
  /** Run only on these backends, for this reason (skipped, with the reason shown, elsewhere). */
  onlyOn?: { backends: readonly string[]; reason: string };
}

/** The outcome of one case. */
export interface ConformanceResult {
  name: string;
  kernels: string[];
  ok: boolean;
  /** Largest |got - want| over every output and gradient. */
  maxAbsError: number;
  /** Largest share of the tolerance any element used, |got - want| / (atol + rtol |want|); <= 1 passes. */
  toleranceUsed: number;
  /** Why it failed (first mismatch, error message, leak). */
  message: string;
  /** Wall time on the backend under test, including reading the results back. */
  ms: number;
}
