import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { bindNcclApi, formatNcclVersion, type Koffi, type NcclApi } from './nccl-api.js';

/** A full path to libnccl, overriding the search. */
export const LIBNCCL_ENV = 'MEDGPT_LIBNCCL';
const LIBNCCL = 'libnccl.so.2';

export interface LoadedNccl {
  koffi: Koffi;
  api: NcclApi;
  /** Where it was found. */
  path: string;
  /** e.g. "2.21.5". */
  version: string;
}

export type LoadNcclResult = { ok: true; nccl: LoadedNccl } | { ok: false; reason: string };

let cached: Promise<LoadNcclResult> | null = null;

/** Where libnccl is looked for: MEDGPT_LIBNCCL alone when set, else the loader path, then CUDA's lib dirs. */
export function ncclCandidates(env: Record<string, string | undefined>): string[] {
  const explicit = env[LIBNCCL_ENV];
  if (explicit) return [explicit];
  const roots = [env.CUDA_HOME, env.CUDA_PATH, '/usr/local/cuda', '/usr/lib/x86_64-linux-gnu'];
  const found = roots
    .filter((r): r is string => !!r)
    .flatMap((r) => [join(r, 'lib64', LIBNCCL), join(r, 'lib', LIBNCCL), join(r, LIBNCCL)])
    .filter((p) => existsSync(p));
  return [LIBNCCL, ...new Set(found)];
}

/**
 * Opens libnccl.so.2 through koffi, once per process (the first environment wins). Resolves
 * `{ ok: false, reason }`, never throws, when koffi or the library is missing: callers report
 * "NCCL not available: <reason>".
 */
export function loadNccl(env: Record<string, string | undefined> = process.env): Promise<LoadNcclResult> {
  cached ??= load(env);
  return cached;
}

/** Forgets the cached result (tests load stub libraries under different names). */
export function resetNcclForTests(): void {
  cached = null;
}

async function load(env: Record<string, string | undefined>): Promise<LoadNcclResult> {
  let koffi: Koffi;
  try {
    koffi = (await import('koffi')) as Koffi;
  } catch (err) {
    return { ok: false, reason: `koffi (the FFI) could not be loaded: ${message(err)}` };
  }
  const tried: string[] = [];
  for (const path of ncclCandidates(env)) {
    try {
      const api = bindNcclApi(koffi, koffi.load(path));
      const version: [number] = [0];
      const status = api.ncclGetVersion(version);
      if (status !== 0) throw new Error(`ncclGetVersion returned ${status}`);
      return { ok: true, nccl: { koffi, api, path, version: formatNcclVersion(version[0]) } };
    } catch (err) {
      tried.push(`${path}: ${message(err)}`);
    }
  }
  return {
    ok: false,
    reason:
      `${LIBNCCL} could not be loaded (install NCCL, put its lib directory on LD_LIBRARY_PATH, or set ` +
      `${LIBNCCL_ENV} to its full path); tried ${tried.join('; ')}`,
  };
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
