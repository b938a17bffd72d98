// Public surface of this folder; re-exported by src/index.ts: the one conformance suite every backend
// runs (docs/adding-a-kernel.md).
export { conformanceCases } from './conformance-cases.js';
export { runConformance, conformanceSkipReason, type RunConformanceOptions } from './run-conformance.js';
export { compareTensors, type ReadTensor, type Comparison, type ComparedBackends } from './compare-values.js';
export type {
  CaseInput,
  ConformanceCase,
  ConformanceResult,
  MatmulPrecision,
  Tolerance,
} from './conformance-case.js';
