/** Which library returned the status. */
export type CudaLibrary = 'driver' | 'cublasLt';

/**
 * Driver statuses after which the context is unusable: every later call fails the same way, so the
 * process must restart (illegal address, launch failure, misaligned address, ...).
 */
const FATAL_DRIVER_STATUSES = new Set([700, 702, 714, 715, 716, 717, 718, 719, 999]);

/** A failed CUDA driver or cuBLASLt call, naming the call, the kernel it served and the status. */
export class CudaError extends Error {
  /** True when the CUDA context is lost and the process has to restart. */
  readonly fatal: boolean;

  constructor(
    /** The numeric status (CUresult or cublasStatus_t). */
    readonly status: number,
    /** The status' symbolic name, e.g. CUDA_ERROR_OUT_OF_MEMORY. */
    readonly statusName: string,
    /** The library function that failed, e.g. cuLaunchKernel. */
    readonly call: string,
    /** What it was doing it for, e.g. "kernel RmsNorm (rms_norm_forward)"; empty when not a kernel. */
    readonly context: string,
    library: CudaLibrary = 'driver',
    description = '',
  ) {
    const fatal = library === 'driver' && FATAL_DRIVER_STATUSES.has(status);
    const where = context ? ` for ${context}` : '';
    const detail = description && description !== statusName ? ` (${description})` : '';
    const hint = fatal
      ? '. The CUDA context is lost after this error: restart the process' +
        ' (run under compute-sanitizer to find the faulting kernel)'
      : '';
    super(`${call} failed${where}: ${statusName} [${status}]${detail}${hint}`);
    this.name = 'CudaError';
    this.fatal = fatal;
  }
}
