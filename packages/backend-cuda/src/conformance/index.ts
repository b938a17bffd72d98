// The conformance suite lives in core-tensor (every backend runs it); this is its cuda runner, shared
// by the vitest suite (skipped without a GPU) and the device runner (bench/gpu/cuda-conformance.ts).
import { conformanceCases, type ConformanceCase } from '@medgpt/core-tensor';
import {
  runCudaConformance,
  type CudaConformanceOptions,
  type CudaConformanceResult,
} from './run-cuda-conformance.js';

export type { CaseInput, ConformanceCase, Tolerance } from '@medgpt/core-tensor';
export type { CudaConformanceOptions, CudaConformanceResult as ConformanceResult };

/** Every conformance case, by group (core-tensor's `conformanceCases`). */
export function experimental_conformanceCases(): Record<string, ConformanceCase[]> {
  return conformanceCases();
}

/** Runs the cases (default: all) on cuda against cpu; see CudaConformanceOptions. */
export function experimental_runConformance(
  options: CudaConformanceOptions = {},
): Promise<CudaConformanceResult[]> {
  return runCudaConformance(options);
}
