import { registerHostKernel, type HostKernelImpl } from './js-kernel.js';
import { swigluWasmKernel } from './wasm/Swiglu.js';

/** Kernel name: y = silu(gate) * up = gate * sigmoid(gate) * up, elementwise. */
export const Swiglu = 'Swiglu';

/** Inputs: `gate` and `up`, float32 of one shape. Output: y of that shape. No attrs. */
export const swigluHostKernel: HostKernelImpl = ({ gate, up }) => {
  const g = gate!.values as Float32Array;
  const u = up!.values as Float32Array;
  const y = new Float32Array(g.length);
  for (let i = 0; i < g.length; i++) {
    const gi = g[i]!;
    y[i] = (gi / (1 + Math.exp(-gi))) * u[i]!;
  }
  return { values: y, shape: gate!.shape };
};

registerHostKernel(Swiglu, swigluHostKernel, { wasm: swigluWasmKernel });
