import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { tf } from '../tf.js';
import { matMulGeometry } from './matmul-geometry.js';
import { prefersStockLoop, wasmMatMulViaPlain } from './wasm-matmul.js';

/**
 * wasm _FusedMatMul (tf.fused.matMul) kept on XNNPACK like BatchMatMul. This also fixes results: tfjs's
 * fallback loop (`stock` off XNNPACK) adds a rank-1 bias by flat output index and clamps partial sums.
 * Bias and activation act per output row, so they stay fused in every per-matrix call; PReLU weights
 * that vary across the batch keep the call on `stock`.
 */
export function wasmFusedMatMulConfig(stock: tf.KernelConfig): tf.KernelConfig {
  return {
    kernelName: tf._FusedMatMul,
    backendName: 'wasm',
    setupFunc: stock.setupFunc,
    kernelFunc: (args) => {
      const { a, b, bias, preluActivationWeights: prelu } = args.inputs as tf._FusedMatMulInputs;
      const attrs = args.attrs as unknown as tf._FusedMatMulAttrs;
      const { transposeA, transposeB, activation } = attrs;
      if (a.dtype !== 'float32' || b.dtype !== 'float32') return stock.kernelFunc(args);
      const g = matMulGeometry(a.shape, b.shape, transposeA, transposeB);
      const plainAlready = !transposeA && !transposeB && g.batch === 1;
      const preluPerMatrix = prelu == null || (g.m * g.n) % tf.util.sizeFromShape(prelu.shape) === 0;
      const stockLoopExact = bias == null && (activation === 'linear' || activation === 'prelu');
      if (plainAlready || g.k === 0 || !preluPerMatrix || (stockLoopExact && prefersStockLoop(g))) {
        return stock.kernelFunc(args);
      }
      const backend = args.backend as BackendWasm;
      const plainAttrs = { ...attrs, transposeA: false, transposeB: false } as unknown as tf.NamedAttrMap;
      const extra = { ...(bias ? { bias } : {}), ...(prelu ? { preluActivationWeights: prelu } : {}) };
      const plain = (x: tf.TensorInfo, y: tf.TensorInfo) =>
        stock.kernelFunc({ inputs: { a: x, b: y, ...extra }, backend, attrs: plainAttrs }) as tf.TensorInfo;
      // Bias and PReLU weights run along output columns, so the product must not be computed transposed.
      const canSwap = bias == null && prelu == null;
      return wasmMatMulViaPlain(backend, a, b, transposeA, transposeB, g, plain, canSwap);
    },
  };
}
