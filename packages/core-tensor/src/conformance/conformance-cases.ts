// The conformance suite: every kernel a backend implements, checked against tfjs-backend-cpu on
// seeded random inputs, values and gradients. Run by core-tensor's tests on cpu and wasm and by
// backend-cuda's on cuda (runConformance).
import { bf16Cases } from './cases-bf16.js';
import { dataMovementCases } from './cases-data-movement.js';
import { decodeCases } from './cases-decode.js';
import { elementwiseCases } from './cases-elementwise.js';
import { fusedCases } from './cases-fused.js';
import { moeCases } from './cases-moe.js';
import { reduceCases } from './cases-reduce.js';
import type { ConformanceCase } from './conformance-case.js';

/** Every conformance case, by group. */
export function conformanceCases(): Record<string, ConformanceCase[]> {
  return {
    elementwise: elementwiseCases(),
    'data movement': dataMovementCases(),
    'reductions and matmul': reduceCases(),
    'fused ops and optimizers': fusedCases(),
    'decoding shapes of the fused ops': decodeCases(),
    'bf16 tensor-core paths': bf16Cases(),
    'mixture of experts': moeCases(),
  };
}
