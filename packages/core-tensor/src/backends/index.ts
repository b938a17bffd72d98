// Public surface of this folder; re-exported by src/index.ts. Loading it silences tfjs-backend-cpu's
// banner (our kernels are registered by kernels/index.ts).
import { silenceCpuBanner } from './silence-cpu-banner.js';

export {
  registerBackendProvider,
  getBackendProvider,
  listBackendProviders,
  type BackendProvider,
  type BackendAvailability,
} from './backend-providers.js';
export { createTensorflowProvider, type TensorflowProviderOptions } from './tensorflow-provider.js';
export { createWasmProvider, type WasmProviderOptions } from './wasm-provider.js';
export {
  selectBackend,
  BackendSelectionError,
  BACKEND_ENV_VAR,
  type SelectBackendOptions,
  type BackendReport,
  type BackendSource,
} from './select-backend.js';
export { initBackend, type InitBackendOptions } from './init-backend.js';
export { formatBackendReport } from './format-backend-report.js';
export { silenceCpuBanner } from './silence-cpu-banner.js';

silenceCpuBanner();
