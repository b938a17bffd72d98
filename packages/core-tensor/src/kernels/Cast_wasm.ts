import { tf } from '../tf.js';
import { aliasInput } from './alias-input.js';

/**
 * wasm Cast to the input's own dtype as an alias of the input (refcount + 1) rather than tfjs's copy:
 * tfjs's gradients cast float32 gradients to float32 (Multiply, the engine's clone). Real conversions
 * keep tfjs's kernel.
 */
export function wasmCastConfig(stock: tf.KernelConfig): tf.KernelConfig {
  return {
    kernelName: tf.Cast,
    backendName: 'wasm',
    setupFunc: stock.setupFunc,
    kernelFunc: (args) => {
      const x = (args.inputs as tf.CastInputs).x!;
      const { dtype } = args.attrs as unknown as tf.CastAttrs;
      return dtype === x.dtype && dtype !== 'string'
        ? aliasInput(args.backend as tf.KernelBackend, x)
        : stock.kernelFunc(args);
    },
  };
}
