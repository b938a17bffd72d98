import {
  setLogitsChunkElements,
  tf,
  type BackendAvailability,
  type BackendProvider,
} from '@medgpt/core-tensor';
import { CudaBackend, CUDA_BACKEND_NAME } from './backend/cuda-backend.js';
import { loadCudaLibraries } from './ffi/load-cuda-libraries.js';
import { CudaRuntime } from './runtime/cuda-runtime.js';
import { resolveDeviceOrdinal } from './runtime/device-ordinal.js';
import { findKernelsDir } from './runtime/kernel-modules.js';
import { MATMUL_PRECISION_ENV, parseMatmulPrecision, type MatmulPrecision } from './runtime/matmul-plans.js';
import { registerCudaKernels } from './kernels/register-all-kernels.js';

export interface CudaProviderOptions {
  /** Device ordinal (the CLI's --device); default MEDGPT_CUDA_DEVICE, else 0. */
  device?: number | string;
  /**
   * Matmul compute precision ('fp32' | 'tf32' | 'bf16'); default MEDGPT_CUDA_MATMUL, else 'bf16'
   * (bf16 tensor cores, fp32 accumulation). Changeable later through `cudaRuntime().matmul.precision`.
   */
  matmulPrecision?: MatmulPrecision;
  /** Where environment variables are read from; process.env by default. */
  env?: Record<string, string | undefined>;
}

/** Automatic selection order: above tensorflow (300), wasm (200) and cpu (100). */
export const CUDA_PROVIDER_PRIORITY = 400;

const PRECISION_DETAIL: Record<MatmulPrecision, string> = {
  bf16: `bf16 matmuls with fp32 accumulation (${MATMUL_PRECISION_ENV}=fp32 for exact fp32)`,
  tf32: `tf32 matmuls (${MATMUL_PRECISION_ENV})`,
  fp32: `exact fp32 matmuls (${MATMUL_PRECISION_ENV})`,
};

/** Default logits elements per linearCrossEntropy / linearTokenLogprobs chunk on cuda. */
const CUDA_LOGITS_CHUNK_ELEMENTS = 2 ** 27;

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
  const env = options.env ?? process.env;
  const precision =
    options.matmulPrecision !== undefined
      ? parseMatmulPrecision(options.matmulPrecision, 'matmulPrecision')
      : parseMatmulPrecision(env[MATMUL_PRECISION_ENV]);
  if (runtime !== null && tf.findBackendFactory(CUDA_BACKEND_NAME) != null) {
    // Already loaded in this process: an explicit precision still applies.
    if (options.matmulPrecision !== undefined) runtime.matmul.precision = precision;
    return { ok: true, detail: describeLoaded(runtime, runtime.matmul.precision) };
  }
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
  runtime.matmul.precision = precision;
  registerCudaKernels();
  const created = runtime;
  tf.registerBackend(CUDA_BACKEND_NAME, () => new CudaBackend(created), 3);
  // Chunks of 2^27 logits (512 MiB fp32, 883 rows at vocab 151936) instead of cpu/wasm's 2^24 (110 rows):
  // ~9x fewer chunk kernels, and lm_head GEMMs big enough for the tensor cores.
  setLogitsChunkElements(CUDA_BACKEND_NAME, CUDA_LOGITS_CHUNK_ELEMENTS);
  return { ok: true, detail: describeLoaded(created, precision) };
}

/** The backend report's detail: device and matmul precision. */
function describeLoaded(loaded: CudaRuntime, precision: MatmulPrecision): string {
  return `${loaded.device.name} (device ${loaded.device.ordinal}), ${PRECISION_DETAIL[precision]}`;
}

/** The provider registered by importing this package (device from MEDGPT_CUDA_DEVICE or 0). */
export const cudaProvider: BackendProvider = createCudaProvider();
