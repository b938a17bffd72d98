import { cpuProvider } from './cpu-provider.js';
import { tensorflowProvider } from './tensorflow-provider.js';
import { wasmProvider } from './wasm-provider.js';

/** Whether a provider's backend can run here; when not, a reason the user can act on. */
/** `detail`: what the report should say about a loaded backend (device, precision), if anything. */
export type BackendAvailability = { ok: true; detail?: string } | { ok: false; reason: string };

/**
 * Makes one tfjs backend available to `initBackend`. Built in: tensorflow (300), wasm (200), cpu (100).
 * `@medgpt/backend-cuda` registers `cuda` above them (e.g. 400).
 */
export interface BackendProvider {
  /** The tfjs backend name it provides, as passed to tf.setBackend and to `--backend`. */
  readonly name: string;
  /** Automatic selection tries providers from the highest priority down. */
  readonly priority: number;
  /**
   * Checks the machine (packages, drivers, libraries) and registers the tfjs backend (tf.registerBackend)
   * if it is not registered yet. Resolves `{ ok: false, reason }` when it cannot run here, e.g.
   * "libcuda.so.1 not found"; a thrown error is treated the same way, with its message as the reason.
   */
  load(): Promise<BackendAvailability>;
}

const providers = new Map<string, BackendProvider>();

/**
 * Adds `provider`, replacing any provider of the same name. Returns a function that removes it again and
 * puts back the provider it replaced.
 */
export function registerBackendProvider(provider: BackendProvider): () => void {
  if (!/^[a-z][a-z0-9_-]*$/.test(provider.name)) {
    throw new Error(
      `Backend provider name must be lower-case letters, digits, '-' or '_', got '${provider.name}'.`,
    );
  }
  if (!Number.isFinite(provider.priority)) {
    throw new Error(`Backend provider '${provider.name}' needs a finite priority, got ${provider.priority}.`);
  }
  const replaced = providers.get(provider.name);
  providers.set(provider.name, provider);
  return () => {
    if (providers.get(provider.name) !== provider) return;
    if (replaced) providers.set(provider.name, replaced);
    else providers.delete(provider.name);
  };
}

/** The provider registered for `name`, if any. */
export function getBackendProvider(name: string): BackendProvider | undefined {
  return providers.get(name);
}

/** Every registered provider, highest priority first. */
export function listBackendProviders(): BackendProvider[] {
  return [...providers.values()].sort((a, b) => b.priority - a.priority);
}

registerBackendProvider(tensorflowProvider);
registerBackendProvider(wasmProvider);
registerBackendProvider(cpuProvider);
