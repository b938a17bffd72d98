import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { check, setStatusDescriber } from './check.js';
import { bindCublasLtApi, type CublasLtApi } from './cublaslt-api.js';
import { bindDriverApi, type DriverApi } from './driver-api.js';
import type { Koffi } from './koffi-types.js';

/** The bound libraries the runtime works with. */
export interface CudaLibraries {
  koffi: Koffi;
  driver: DriverApi;
  cublasLt: CublasLtApi;
  /** Where cuBLASLt was found (a path, or the bare name when the loader path had it). */
  cublasLtPath: string;
}

export type LoadLibrariesResult = { ok: true; libraries: CudaLibraries } | { ok: false; reason: string };

/** Environment variables that override where the libraries are taken from (full paths). */
export const LIBCUDA_ENV = 'MEDGPT_LIBCUDA';
export const LIBCUBLASLT_ENV = 'MEDGPT_LIBCUBLASLT';

const LIBCUDA = 'libcuda.so.1';
const LIBCUBLASLT = 'libcublasLt.so.13';

/**
 * Where cuBLASLt is looked for after the loader path: the CUDA 13 toolkit keeps it in
 * targets/x86_64-linux/lib, which is not on the loader path by default.
 */
export function cublasLtCandidates(env: Record<string, string | undefined>): string[] {
  const explicit = env[LIBCUBLASLT_ENV];
  if (explicit) return [explicit];
  const roots = [
    env['CUDA_HOME'],
    env['CUDA_PATH'],
    '/usr/local/cuda',
    '/usr/local/cuda-13.0',
    '/usr/local/cuda-13',
  ];
  const found = roots
    .filter((r): r is string => !!r)
    .flatMap((r) => [join(r, 'targets/x86_64-linux/lib', LIBCUBLASLT), join(r, 'lib64', LIBCUBLASLT)])
    .filter((p) => existsSync(p));
  return [LIBCUBLASLT, ...new Set(found)];
}

/**
 * Imports koffi and opens libcuda.so.1 and libcublasLt.so.13. Resolves `{ ok: false, reason }` (never
 * throws) when any of them is missing, so the backend provider can report why cuda is not available.
 */
export async function loadCudaLibraries(
  env: Record<string, string | undefined> = process.env,
): Promise<LoadLibrariesResult> {
  let koffi: Koffi;
  try {
    koffi = await import('koffi');
  } catch (err) {
    return { ok: false, reason: `koffi (the FFI) could not be loaded: ${message(err)}` };
  }
  const cudaPath = env[LIBCUDA_ENV] || LIBCUDA;
  let driver: DriverApi;
  try {
    driver = bindDriverApi(koffi.load(cudaPath));
  } catch (err) {
    return {
      ok: false,
      reason: `${cudaPath} could not be loaded (is the NVIDIA driver installed?): ${message(err)}`,
    };
  }
  const tried: string[] = [];
  for (const path of cublasLtCandidates(env)) {
    try {
      const cublasLt = bindCublasLtApi(koffi.load(path));
      describeStatuses(driver, cublasLt);
      return { ok: true, libraries: { koffi, driver, cublasLt, cublasLtPath: path } };
    } catch (err) {
      tried.push(`${path}: ${message(err)}`);
    }
  }
  return {
    ok: false,
    reason:
      `${LIBCUBLASLT} could not be loaded (put the CUDA 13 toolkit's targets/x86_64-linux/lib on ` +
      `LD_LIBRARY_PATH or set ${LIBCUBLASLT_ENV}); tried ${tried.join('; ')}`,
  };
}

/** Lets check() name failures: cuGetErrorName / cuGetErrorString, cublasLtGetStatusName / String. */
function describeStatuses(driver: DriverApi, cublasLt: CublasLtApi): void {
  setStatusDescriber('driver', (status) => {
    const name: [string | null] = [null];
    const text: [string | null] = [null];
    const known = driver.cuGetErrorName(status, name) === 0;
    driver.cuGetErrorString(status, text);
    return { name: known && name[0] ? name[0] : `CUresult ${status}`, description: text[0] ?? '' };
  });
  setStatusDescriber('cublasLt', (status) => ({
    name: cublasLt.cublasLtGetStatusName(status),
    description: cublasLt.cublasLtGetStatusString(status),
  }));
}

/** cuInit(0) and the driver version, e.g. 13000 for CUDA 13.0. */
export function initDriver(driver: DriverApi): number {
  check(driver.cuInit(0), 'cuInit');
  const version: [number] = [0];
  check(driver.cuDriverGetVersion(version), 'cuDriverGetVersion');
  return version[0];
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
