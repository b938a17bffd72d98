// @medgpt/backend-cuda: a tfjs backend named "cuda" (CUDA driver API + cuBLASLt through koffi, kernels
// compiled ahead by nvcc). Importing it registers the backend provider and the kernel list; nothing
// touches the GPU until core-tensor's backend selection calls the provider's load().
import { registerBackendProvider } from '@medgpt/core-tensor';
import { cudaProvider } from './cuda-provider.js';
import { registerCudaKernels } from './kernels/register-all-kernels.js';

export {
  createCudaProvider,
  cudaProvider,
  cudaRuntime,
  CUDA_PROVIDER_PRIORITY,
  type CudaProviderOptions,
} from './cuda-provider.js';
export { CudaBackend, CUDA_BACKEND_NAME } from './backend/cuda-backend.js';
export { CudaError } from './ffi/cuda-error.js';
export { LIBCUDA_ENV, LIBCUBLASLT_ENV } from './ffi/load-cuda-libraries.js';
export { DEVICE_ENV, resolveDeviceOrdinal } from './runtime/device-ordinal.js';
export { KERNELS_DIR_ENV, findKernelsDir } from './runtime/kernel-modules.js';
export {
  MATMUL_PRECISION_ENV,
  MATMUL_PRECISIONS,
  parseMatmulPrecision,
  type MatmulPrecision,
} from './runtime/matmul-plans.js';
export type { CudaRuntime } from './runtime/cuda-runtime.js';
export type { DeviceInfo } from './runtime/cuda-context.js';
export {
  CUDA_KERNEL_CONFIGS,
  HOST_FALLBACK_KERNELS,
  registerCudaKernels,
} from './kernels/register-all-kernels.js';
export {
  experimental_runConformance,
  experimental_conformanceCases,
  type ConformanceCase,
  type ConformanceResult,
} from './conformance/index.js';

registerCudaKernels();
registerBackendProvider(cudaProvider);
