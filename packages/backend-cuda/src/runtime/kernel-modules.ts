import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { check } from '../ffi/check.js';
import type { DriverApi } from '../ffi/driver-api.js';
import type { Handle } from '../ffi/koffi-types.js';
import type { ParamType } from './device-function.js';

/** Overrides where the compiled kernels (the folder holding manifest.json) are read from. */
export const KERNELS_DIR_ENV = 'MEDGPT_CUDA_KERNELS_DIR';
const MANIFEST = 'manifest.json';

/**
 * The folder of compiled kernels: MEDGPT_CUDA_KERNELS_DIR, else the first `kernels/manifest.json` found
 * walking up from this module (the package root, whether running from dist/, src/ or a bundle that
 * ships a kernels/ folder beside it). Null when there is none.
 */
export function findKernelsDir(
  env: Record<string, string | undefined> = process.env,
  from = dirname(fileURLToPath(import.meta.url)),
): string | null {
  const explicit = env[KERNELS_DIR_ENV];
  if (explicit) return existsSync(join(explicit, MANIFEST)) ? explicit : null;
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'kernels', MANIFEST))) return join(dir, 'kernels');
    if (dirname(dir) === dir) return null;
  }
}

/** kernels/manifest.json as scripts/build-kernels.mjs writes it. */
export interface KernelManifest {
  nvcc: string;
  archs: string[];
  /** Per csrc/<File>.cu: its source hash and each kernel's parameter list (read from the C signature). */
  kernels: Record<string, { sha256: string; functions: Record<string, ParamType[]> }>;
}

/**
 * Loads kernels/<File>.fatbin (built ahead by nvcc: sm_80 + sm_90 SASS and PTX) on first use and keeps
 * the CUfunction of each kernel. A module loads in ~0.2 ms, so loading lazily costs nothing visible.
 */
export class KernelModules {
  private readonly modules = new Map<string, Handle>();
  private readonly functions = new Map<string, Handle>();
  readonly manifest: KernelManifest;

  constructor(
    private readonly driver: DriverApi,
    readonly dir: string,
  ) {
    this.manifest = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as KernelManifest;
  }

  /** The parameter list of kernel `name` of csrc/<file>.cu, from its C signature. */
  signature(file: string, name: string): ParamType[] {
    const params = this.manifest.kernels[file]?.functions?.[name];
    if (params === undefined) {
      throw new Error(
        `kernel ${name} of csrc/${file}.cu is not in ${join(this.dir, MANIFEST)}: rebuild the kernels`,
      );
    }
    return params;
  }

  /** The kernel `name` of csrc/<file>.cu. */
  function(file: string, name: string): Handle {
    const key = `${file}:${name}`;
    let fn = this.functions.get(key);
    if (fn === undefined) {
      const out: [Handle | null] = [null];
      check(
        this.driver.cuModuleGetFunction(out, this.module(file), name),
        'cuModuleGetFunction',
        `${name} in ${file}.cu`,
      );
      fn = out[0]!;
      this.functions.set(key, fn);
    }
    return fn;
  }

  dispose(): void {
    for (const [file, module] of this.modules)
      check(this.driver.cuModuleUnload(module), 'cuModuleUnload', `${file}.cu`);
    this.modules.clear();
    this.functions.clear();
  }

  private module(file: string): Handle {
    let module = this.modules.get(file);
    if (module === undefined) {
      const path = join(this.dir, `${file}.fatbin`);
      if (!existsSync(path)) {
        throw new Error(
          `${path} is missing: run 'npm run build:kernels -w @medgpt/backend-cuda' (needs nvcc)`,
        );
      }
      const out: [Handle | null] = [null];
      check(this.driver.cuModuleLoadData(out, readFileSync(path)), 'cuModuleLoadData', `${file}.fatbin`);
      module = out[0]!;
      this.modules.set(file, module);
    }
    return module;
  }
}
