import { tf } from '../tf.js';
import type { BackendProvider } from './backend-providers.js';

/** tfjs-backend-cpu (plain JS; our kernels make its matMul usable). Always there, the last resort. */
export const cpuProvider: BackendProvider = {
  name: 'cpu',
  priority: 100,
  load: async () =>
    tf.findBackendFactory('cpu') != null
      ? { ok: true }
      : {
          ok: false,
          reason: '@tensorflow/tfjs-backend-cpu is not loaded (import @medgpt/core-tensor first)',
        },
};
