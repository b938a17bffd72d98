import { tf } from '../tf.js';
import { aliasInput } from './alias-input.js';

/**
 * wasm Identity as a second handle on the input's buffer (refcount + 1), as tfjs's cpu backend and
 * our Reshape already do; tfjs's wasm kernel copies the buffer. Tensors are immutable, so sharing
 * is safe; disposal is reference counted by the backend. Strings keep tfjs's kernel.
 */
export function wasmIdentityConfig(stock: tf.KernelConfig): tf.KernelConfig {
  return {
    kernelName: tf.Identity,
    backendName: 'wasm',
    setupFunc: stock.setupFunc,
    kernelFunc: (args) => {
      const x = (args.inputs as tf.IdentityInputs).x!;
      return x.dtype === 'string' ? stock.kernelFunc(args) : aliasInput(args.backend as tf.KernelBackend, x);
    },
  };
}
