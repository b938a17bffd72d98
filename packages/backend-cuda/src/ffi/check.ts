import { CudaError, type CudaLibrary } from './cuda-error.js';

/** Turns a status into its name and description; installed when the library loads. */
export type StatusDescriber = (status: number) => { name: string; description: string };

const describers: Partial<Record<CudaLibrary, StatusDescriber>> = {};

/** Installs how statuses of `library` are named (cuGetErrorName / cublasLtGetStatusName). */
export function setStatusDescriber(library: CudaLibrary, describe: StatusDescriber): void {
  describers[library] = describe;
}

/**
 * The one gate every CUDA driver and cuBLASLt call goes through: returns when `status` is 0 (success),
 * otherwise throws a CudaError naming `call`, what it served (`context`, e.g. the kernel) and the status.
 */
export function check(status: number, call: string, context = '', library: CudaLibrary = 'driver'): void {
  if (status === 0) return;
  throw statusError(status, call, context, library);
}

function statusError(status: number, call: string, context: string, library: CudaLibrary): CudaError {
  let name = `status ${status}`;
  let description = '';
  try {
    const described = describers[library]?.(status);
    if (described) ({ name, description } = described);
  } catch {
    // Naming the error must never hide it.
  }
  return new CudaError(status, name, call, context, library, description);
}
