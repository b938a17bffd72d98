import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { tf } from '../tf.js';
import type { BackendProvider } from './backend-providers.js';

export interface WasmProviderOptions {
  /**
   * Folder holding tfjs-backend-wasm's .wasm files, ending in '/'. Only needed when this code is bundled
   * (the backend then looks beside the bundle): pass `<node_modules>/@tensorflow/tfjs-backend-wasm/dist/`.
   */
  wasmPaths?: string;
}

/** tfjs-backend-wasm: XNNPACK with SIMD, single-threaded in Node. */
export function createWasmProvider(options: WasmProviderOptions = {}): BackendProvider {
  return {
    name: 'wasm',
    priority: 200,
    load: async () => {
      if (tf.findBackendFactory('wasm') == null) {
        return {
          ok: false,
          reason: '@tensorflow/tfjs-backend-wasm is not loaded (import @medgpt/core-tensor first)',
        };
      }
      if (options.wasmPaths != null) setWasmPaths(options.wasmPaths);
      return { ok: true };
    },
  };
}

export const wasmProvider: BackendProvider = createWasmProvider();
