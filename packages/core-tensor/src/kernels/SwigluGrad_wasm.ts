import { tf } from '../tf.js';
import { SwigluGrad } from '../kernel-names.js';
import { withScratch } from './wasm-scratch.js';

// SwigluGrad on wasm: a chain of wasm's SIMD elementwise kernels (XNNPACK sigmoid, multiply, add,
// subtract), as Swiglu_wasm.ts; float32 throughout.

/**
 * [dgate, dup]: dup = dy * silu(g); dgate = dy * up * silu'(g) with, for s = sigmoid(g),
 * silu'(g) = s * (1 + g * (1 - s)), i.e. dgate = up * (s * (dy - dup) + dup): six multiply/add/sub
 * passes after the sigmoid, and no constant 1 to upload.
 */
export const swigluGradWasmKernel: tf.KernelFunc = ({ inputs, backend }) => {
  const { dy, gate, up } = inputs as { dy: tf.TensorInfo; gate: tf.TensorInfo; up: tf.TensorInfo };
  return withScratch(backend, (s) => {
    const sig = s.run(tf.Sigmoid, { x: gate });
    const silu = s.run(tf.Multiply, { a: gate, b: sig });
    const dUp = s.run(tf.Multiply, { a: dy, b: silu });
    s.free(silu);
    const rest = s.run(tf.Sub, { a: dy, b: dUp });
    const scaled = s.run(tf.Multiply, { a: sig, b: rest });
    s.free(sig, rest);
    const dySilu = s.run(tf.Add, { a: scaled, b: dUp });
    s.free(scaled);
    const dGate = s.run(tf.Multiply, { a: up, b: dySilu });
    return [s.keep(dGate), s.keep(dUp)];
  });
};

export const swigluGradWasmConfig: tf.KernelConfig = {
  kernelName: SwigluGrad,
  backendName: 'wasm',
  kernelFunc: swigluGradWasmKernel,
};
