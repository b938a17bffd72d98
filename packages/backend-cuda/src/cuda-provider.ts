import { tf, type BackendAvailability, type BackendProvider } from '@medgpt/core-tensor';
import { CudaBackend, CUDA_BACKEND_NAME } from './backend/cuda-backend.js';
import { loadCudaLibraries } from './ffi/load-cuda-libraries.js';
import { CudaRuntime } from './runtime/cuda-runtime.js';
import { resolveDeviceOrdinal } from './runtime/device-ordinal.js';
import { findKernelsDir } from './runtime/kernel-modules.js';
import { registerCudaKernels } from './kernels/register-all-kernels.js';

export interface CudaProviderOptions {
  /** Device ordinal (the CLI's --device); default MEDGPT_CUDA_DEVICE, else 0. */
  device?: number | string;
  /** Where environment variables are read from; process.env by default. */
  env?: Record<string, string | undefined>;
}

/** Automatic selection order: above tensorflow (300), wasm (200) and cpu (100). */
export const CUDA_PROVIDER_PRIORITY = 400;

let runtime: CudaRuntime | null = null;

/** The runtime of the loaded cuda backend (device, memory, kernels), or null before it loads. */
export function cudaRuntime(): CudaRuntime | null {
  return runtime;
}

/**
 * The provider core-tensor's backend selection uses for "cuda". load() opens libcuda.so.1 and
 * libcublasLt.so.13, creates the device context and registers the tfjs backend; on a machine without
 * them it resolves `{ ok: false, reason }` and selection moves on to the next backend.
 */
export function createCudaProvider(options: CudaProviderOptions = {}): BackendProvider {
  return {
    name: CUDA_BACKEND_NAME,
    priority: CUDA_PROVIDER_PRIORITY,
    load: () => loadCuda(options),
  };
}

async function loadCuda(options: CudaProviderOptions): Promise<BackendAvailability> {
  if (runtime !== null && tf.findBackendFactory(CUDA_BACKEND_NAME) != null) return { ok: true };
  const env = options.env ?? process.env;
  const ordinal = resolveDeviceOrdinal(options.device, env);
  const kernelsDir = findKernelsDir(env);
  const loaded = await loadCudaLibraries(env);
  if (!loaded.ok) return loaded;
  if (kernelsDir === null) {
    return {
      ok: false,
      reason:
        "the compiled CUDA kernels are missing (run 'npm run build:kernels -w @medgpt/backend-cuda'; needs nvcc)",
    };
  }
  try {
    // One runtime per process: a second load (e.g. after tf.removeBackend) reuses it.
    runtime ??= CudaRuntime.create(loaded.libraries, ordinal, kernelsDir);
  } catch (err) {
    return {
      ok: false,
      reason: `CUDA device ${ordinal} could not be initialised: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
  registerCudaKernels();
  const created = runtime;
  tf.registerBackend(CUDA_BACKEND_NAME, () => new CudaBackend(created), 3);
  return { ok: true };
}

/** The provider registered by importing this package (device from MEDGPT_CUDA_DEVICE or 0). */
export const cudaProvider: BackendProvider = createCudaProvider();
