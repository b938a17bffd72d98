// Conformance of the cuda backend against tfjs-backend-cpu (values and gradients), shared by the
// vitest suite (skipped without a GPU) and the device runner (bench/cuda-conformance.ts).
import type { ConformanceCase, ConformanceResult } from './conformance-case.js';
import { bf16Cases } from './cases-bf16.js';
import { dataMovementCases } from './cases-data-movement.js';
import { elementwiseCases } from './cases-elementwise.js';
import { fusedCases } from './cases-fused.js';
import { reduceCases } from './cases-reduce.js';
import { runConformance, type RunConformanceOptions } from './run-conformance.js';

export type { CaseInput, ConformanceCase, ConformanceResult, Tolerance } from './conformance-case.js';

/** Every conformance case, by group. */
export function experimental_conformanceCases(): Record<string, ConformanceCase[]> {
  return {
    elementwise: elementwiseCases(),
    'data movement': dataMovementCases(),
    'reductions and matmul': reduceCases(),
    'fused ops and optimizers': fusedCases(),
    'bf16 tensor-core paths': bf16Cases(),
  };
}

/** Runs the cases (default: all) on cuda against cpu; see RunConformanceOptions. */
export function experimental_runConformance(
  options: Partial<RunConformanceOptions> = {},
): Promise<ConformanceResult[]> {
  const cases = options.cases ?? Object.values(experimental_conformanceCases()).flat();
  return runConformance({ ...options, cases });
}
