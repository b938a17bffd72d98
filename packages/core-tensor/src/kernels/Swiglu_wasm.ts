import { tf } from '../../../tf.js';
import { withScratch } from './wasm-scratch.js';

// Swiglu and SwigluGrad on wasm: chains of wasm's SIMD elementwise kernels (XNNPACK sigmoid, multiply,
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
