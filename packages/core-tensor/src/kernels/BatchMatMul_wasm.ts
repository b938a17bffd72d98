import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { tf } from '../tf.js';
import { matMulGeometry } from './matmul-geometry.js';
import { prefersStockLoop, wasmMatMulViaPlain } from './wasm-matmul.js';

/**
 * wasm BatchMatMul that keeps every call on XNNPACK: tfjs's kernel (`stock`) is fast only for an
 * un-transposed single matrix pair and falls into a scalar loop otherwise, which is exactly what
 * tfjs's matMul gradient (transpose flags) and attention (batched) ask for. `stock` still does the
 * multiplying, and its setupFunc (which binds the native function) is kept.
 */
export function wasmBatchMatMulConfig(stock: tf.KernelConfig): tf.KernelConfig {
  return {
    kernelName: tf.BatchMatMul,
    backendName: 'wasm',
    setupFunc: stock.setupFunc,
    kernelFunc: (args) => {
      const { a, b } = args.inputs as tf.BatchMatMulInputs;
      const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
      if (a!.dtype !== 'float32' || b!.dtype !== 'float32') return stock.kernelFunc(args);
      const g = matMulGeometry(a!.shape, b!.shape, transposeA, transposeB);
      const backend = args.backend as BackendWasm;
      // tfjs's kernel leaves the output uninitialised when the shared dimension is empty.
      if (g.k === 0 || g.batch * g.m * g.n === 0) return zeros(backend, g.outShape);
      if ((!transposeA && !transposeB && g.batch === 1) || prefersStockLoop(g)) return stock.kernelFunc(args);
      const attrs = { transposeA: false, transposeB: false };
      const plain = (x: tf.TensorInfo, y: tf.TensorInfo) =>
        stock.kernelFunc({ inputs: { a: x, b: y }, backend, attrs }) as tf.TensorInfo;
      return wasmMatMulViaPlain(backend, a!, b!, transposeA, transposeB, g, plain);
    },
  };
}

function zeros(backend: BackendWasm, shape: number[]): tf.TensorInfo {
  const out = backend.makeOutput(shape, 'float32');
  backend.typedArrayFromHeap(out).fill(0);
  return out;
}
