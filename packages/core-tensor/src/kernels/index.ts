// Public surface of this folder (host and wasm kernels); re-exported by src/index.ts. Loading it
// registers every kernel in register-all-kernels.ts.
import { registerAllKernels } from './register-all-kernels.js';

export { registerHostKernel, HOST_BACKENDS } from './js-kernel.js';
export type { HostKernelImpl, HostTensor, HostOutput } from './js-kernel.js';
export {
  registerAllKernels,
  registerBackendKernels,
  restoreStockKernels,
  stockKernel,
} from './register-all-kernels.js';
// JS kernels a device backend may run on read-back inputs where it has no kernel of its own.
export { philoxRandomHostKernel } from './PhiloxRandom.js';
export { philoxDropoutHostKernel } from './PhiloxDropout.js';
export { adamWUpdateHostKernel } from './AdamWUpdate.js';
export { multiTensorAdamWUpdateHostKernel } from './MultiTensorAdamWUpdate.js';
export { sgdUpdateHostKernel } from './SgdUpdate.js';
export { INT8_INV_127 } from './DequantizeInt8.js';
export { applyFusedMatMulEpilogue, type FusedMatMulEpilogue } from './fused-mat-mul-epilogue.js';

registerAllKernels();
