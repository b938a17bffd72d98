import { tf } from '../tf.js';
import { withScratch } from './wasm-scratch.js';
import { Swiglu } from '../kernel-names.js';

// Swiglu on wasm: chains of wasm's SIMD elementwise kernels (XNNPACK sigmoid, multiply,
// add, subtract) at ~0.1-1 ns per element, where the JS loop pays ~20 ns for each Math.exp. Values are
// float32 throughout, as in swigluReference, instead of the JS kernel's float64.

/** y = gate * sigmoid(gate) * up. */
export const swigluWasmKernel: tf.KernelFunc = ({ inputs, backend }) => {
  const { gate, up } = inputs as { gate: tf.TensorInfo; up: tf.TensorInfo };
  return withScratch(backend, (s) => {
    const silu = s.run(tf.Multiply, { a: gate, b: s.run(tf.Sigmoid, { x: gate }) });
    return s.keep(s.run(tf.Multiply, { a: silu, b: up }));
  });
};

export const swigluWasmConfig: tf.KernelConfig = {
  kernelName: Swiglu,
  backendName: 'wasm',
  kernelFunc: swigluWasmKernel,
};
