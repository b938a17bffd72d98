import { createRequire } from 'node:module';
import { tf } from '../tf.js';
import type { BackendAvailability, BackendProvider } from './backend-providers.js';

export interface TensorflowProviderOptions {
  /** Packages tried in order; each registers the 'tensorflow' backend when imported. */
  packages?: string[];
  /** Whether a package is installed (resolvable from here). */
  isInstalled?: (name: string) => boolean;
  /** Imports a package for its side effects. */
  importPackage?: (name: string) => Promise<unknown>;
}

/** The GPU build first: it runs on CPU too, and on CUDA where libtensorflow's GPU build finds it. */
const DEFAULT_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];

/**
 * libtensorflow through @tensorflow/tfjs-node(-gpu). Never a dependency of ours (its install downloads
 * libtensorflow), so it is found at run time when the user has installed it.
 */
export function createTensorflowProvider(options: TensorflowProviderOptions = {}): BackendProvider {
  const packages = options.packages ?? DEFAULT_PACKAGES;
  const isInstalled = options.isInstalled ?? isResolvable;
  const importPackage = options.importPackage ?? ((name: string) => import(name));
  return {
    name: 'tensorflow',
    priority: 300,
    load: async (): Promise<BackendAvailability> => {
      if (tf.findBackendFactory('tensorflow') != null) return { ok: true };
      const reasons: string[] = [];
      for (const name of packages) {
        if (!isInstalled(name)) {
          reasons.push(`${name} not installed`);
          continue;
        }
        try {
          await importPackage(name);
        } catch (err) {
          reasons.push(`${name} failed to load: ${err instanceof Error ? err.message : String(err)}`);
          continue;
        }
        if (tf.findBackendFactory('tensorflow') != null) return { ok: true };
        reasons.push(
          `${name} loaded but registered no 'tensorflow' backend here (does it use another copy of @tensorflow/tfjs-core?)`,
        );
      }
      return { ok: false, reason: reasons.join('; ') };
    },
  };
}

export const tensorflowProvider: BackendProvider = createTensorflowProvider();

/** Resolves without executing; only "not found" means not installed (a broken install is reported on import). */
function isResolvable(name: string): boolean {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND';
  }
}
