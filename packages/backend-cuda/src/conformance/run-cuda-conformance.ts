// core-tensor's conformance suite on the cuda backend: each case at the matmul precision it asks for
// (default fp32, so matmuls compare with the cpu backend at float32 tolerances).
import {
  runConformance,
  type ConformanceCase,
  type ConformanceResult,
  type RunConformanceOptions,
} from '@medgpt/core-tensor';
import { cudaRuntime } from '../cuda-provider.js';
import type { MatmulPrecision } from '../runtime/matmul-plans.js';

export interface CudaConformanceOptions extends Omit<RunConformanceOptions, 'prepareCase' | 'onResult'> {
  /** Backend under test; default 'cuda'. */
  backend?: string;
  /** cuBLASLt precision of the cases that name none; default 'fp32'. Restored afterwards. */
  matmulPrecision?: MatmulPrecision;
  onResult?: (result: CudaConformanceResult) => void;
}

/** A case's outcome, with its time on the backend under test also as `cudaMs` (the device runner's name). */
export type CudaConformanceResult = ConformanceResult & { cudaMs: number };

/** Runs the cases (default: all of core-tensor's suite) on cuda against cpu. */
export async function runCudaConformance(
  options: CudaConformanceOptions = {},
): Promise<CudaConformanceResult[]> {
  const { backend = 'cuda', matmulPrecision = 'fp32', onResult, ...rest } = options;
  const matmul = cudaRuntime()?.matmul;
  const previous = matmul?.precision;
  try {
    const results = await runConformance(backend, {
      ...rest,
      prepareCase: (c: ConformanceCase) => {
        if (matmul) matmul.precision = c.matmulPrecision ?? matmulPrecision;
      },
      onResult: onResult && ((r) => onResult({ ...r, cudaMs: r.ms })),
    });
    return results.map((r) => ({ ...r, cudaMs: r.ms }));
  } finally {
    if (matmul && previous) matmul.precision = previous;
  }
}
